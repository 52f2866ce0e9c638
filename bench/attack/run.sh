#!/usr/bin/env bash
# Pulse under attack: idle connections, slowloris and streams that stop reading,
# from 127.0.0.2, against a release pulse-server pinned to core 0, while a victim on
# 127.0.0.1 asks /healthz; each with the server's defaults and with
# --max-per-address 0, then a server under a 512-file limit whose total cap is filled.
#
#   bench/attack/run.sh            full: 20,000 connections, 300 probes (450 for streams); ~6 minutes
#   bench/attack/run.sh --quick    smoke: 2,000 connections, 100 probes; ~3 minutes
#   bench/attack/run.sh --only idle,streams
#
# Needs the release server (cargo build --release -p pulse-server) and Python 3
# (standard library only). Writes bench/results/attack.json and attack.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -x target/release/pulse-server ] || cargo build --release -p pulse-server
command -v taskset >/dev/null && command -v prlimit >/dev/null || { echo "needs taskset and prlimit (util-linux)" >&2; exit 2; }
# The attacker may hold as many sockets as this process may open.
ulimit -n "$(ulimit -Hn)"
PYTHONDONTWRITEBYTECODE=1 exec taskset -c 1 python3 bench/attack/attack.py "$@"
