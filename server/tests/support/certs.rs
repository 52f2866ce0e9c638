//! A throwaway CA and a certificate it signed for localhost and 127.0.0.1, made
//! with openssl, for a server that serves HTTPS (tls.rs, agent.rs).
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// A directory holding `ca.pem`, `server.pem` and `server.key`.
pub fn make() -> PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    let dir = std::env::temp_dir().join(format!("pulse-tls-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let run = |args: &[&str]| {
        let output =
            Command::new("openssl").args(args).current_dir(&dir).output().expect("openssl (apt-get install openssl)");
        assert!(output.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&output.stderr));
    };
    let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    let ca = ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Pulse test CA"];
    run(&[&["req", "-x509"][..], &ec, &ca].concat());
    run(&[&["req"][..], &ec, &["-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"]].concat());
    std::fs::write(dir.join("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n").expect("write");
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
    dir
}
