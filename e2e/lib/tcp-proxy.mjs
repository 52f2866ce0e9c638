// A TCP proxy on 127.0.0.1 that misbehaves on purpose, the way real networks do:
//   cutAfterMs     closes every connection that many ms after it opened
//   swallowWs      lets a WebSocket handshake through, then carries nothing back
//   blackhole()    from now on forwards nothing either way, keeping sockets open
//   port           listen on this port (to come back where a stopped proxy was)
import net from 'node:net';
import { once } from 'node:events';

export class ChaosProxy {
  static async start({ upstreamPort, cutAfterMs = 0, swallowWs = false, port = 0 }) {
    const proxy = new ChaosProxy();
    proxy.sockets = new Set();
    proxy.holed = false;
    proxy.connections = 0;
    proxy.server = net.createServer((client) => proxy.#accept(client, upstreamPort, cutAfterMs, swallowWs));
    proxy.server.listen(port, '127.0.0.1');
    await once(proxy.server, 'listening');
    proxy.port = proxy.server.address().port;
    proxy.url = `http://127.0.0.1:${proxy.port}`;
    return proxy;
  }

  #accept(client, upstreamPort, cutAfterMs, swallowWs) {
    this.connections += 1;
    const upstream = net.connect(upstreamPort, '127.0.0.1');
    this.sockets.add(client);
    this.sockets.add(upstream);
    let isWs = false;
    let handshakeDone = false;
    client.on('data', (chunk) => {
      if (!handshakeDone && /^GET \/api\/v1\/ws/.test(chunk.toString('latin1'))) isWs = true;
      if (!this.holed) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.holed) return;
      if (swallowWs && isWs) {
        if (handshakeDone) return;
        const text = chunk.toString('latin1');
        const end = text.indexOf('\r\n\r\n');
        if (end >= 0) {
          handshakeDone = true;
          client.write(chunk.subarray(0, end + 4));
          return;
        }
      }
      client.write(chunk);
    });
    const close = () => { client.destroy(); upstream.destroy(); this.sockets.delete(client); this.sockets.delete(upstream); };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
    if (cutAfterMs > 0) setTimeout(close, cutAfterMs).unref();
  }

  /** Stops forwarding anything, in both directions, without closing sockets. */
  blackhole() { this.holed = true; }

  /** Forwards again. */
  restore() { this.holed = false; }

  async stop() {
    for (const socket of this.sockets) socket.destroy();
    this.server.close();
  }
}
