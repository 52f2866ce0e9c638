// The Socket.IO peer of the fan-out benchmark.
//
//   node server.js --listen 127.0.0.1:0 --source http://127.0.0.1:PORT/ [--max-seconds 3600]
//
// Connects to a running pulse-server's /api/v1/ws as one client and re-broadcasts
// every frame it receives with io.emit("frame", frame): the same frames at the
// same rate, so the load generator measures Socket.IO's fan-out, not a different
// workload. WebSocket transport only, no compression (Socket.IO's fastest path:
// a broadcast is encoded once and the WebSocket frame is pre-built for all
// clients). Prints "listening on http://ADDR/" once it listens and the source
// has said hello; exits when the source closes or after --max-seconds.
"use strict";

const http = require("node:http");
const { Server } = require("socket.io");
const WebSocket = require("ws");

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const listen = arg("--listen", "127.0.0.1:0");
const source = arg("--source", null);
const maxSeconds = Number(arg("--max-seconds", "3600"));
if (!source) {
  console.error("usage: node server.js --listen HOST:PORT --source http://HOST:PORT/");
  process.exit(2);
}
const [host, port] = [listen.slice(0, listen.lastIndexOf(":")), Number(listen.slice(listen.lastIndexOf(":") + 1))];
if (!host.startsWith("127.")) {
  console.error("the benchmark listens on loopback only");
  process.exit(2);
}

// Stop by itself whatever happens.
setTimeout(() => {
  console.error(`socket.io peer: --max-seconds ${maxSeconds} reached`);
  process.exit(0);
}, maxSeconds * 1000).unref();

const httpServer = http.createServer((req, res) => {
  res.writeHead(404).end();
});
const io = new Server(httpServer, {
  transports: ["websocket"],
  perMessageDeflate: false,
  serveClient: false,
});

let frames = 0;
let announced = false;
const sourceUrl = source.replace(/^http:/, "ws:").replace(/\/$/, "") + "/api/v1/ws";
const upstream = new WebSocket(sourceUrl, { perMessageDeflate: false });
upstream.on("message", (data) => {
  const message = JSON.parse(data.toString());
  if (!announced && httpServer.listening) {
    announced = true;
    const address = httpServer.address();
    console.log(`listening on http://${address.address}:${address.port}/`);
  }
  if (message.type !== "frame") return;
  frames += 1;
  io.emit("frame", message);
});
upstream.on("close", () => {
  console.error(`socket.io peer: source ${sourceUrl} closed after ${frames} frames`);
  process.exit(1);
});
upstream.on("error", (error) => {
  console.error(`socket.io peer: source ${sourceUrl}: ${error.message}`);
  process.exit(1);
});

httpServer.listen(port, host);
