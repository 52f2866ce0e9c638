// A webhook receiver on 127.0.0.1 for the alerts tests: it records every request a
// hub posts and, given the webhook's secret, checks each with the `standardwebhooks`
// package (the spec's reference library, not Pulse's code), answering 204 when the
// signature holds and 400 when it does not, as a subscriber would. Tests await
// deliveries as events (`waitFor`), never by sleeping.
import http from 'node:http';
import { Webhook } from 'standardwebhooks';

export class WebhookReceiver {
  /** Every request received, in order: `{ headers, body, json, id, payload?, invalid? }`. */
  deliveries = [];
  #server;
  #secret;
  #waiters = new Set();

  /** Starts a receiver on an ephemeral port; `secret` turns on signature checks. */
  static async start({ secret } = {}) {
    const receiver = new WebhookReceiver();
    receiver.#secret = secret;
    receiver.#server = http.createServer((request, response) => receiver.#receive(request, response));
    await new Promise((resolve) => receiver.#server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** The URL to name in a rules file's `[[webhook]]`. */
  get url() {
    return `http://127.0.0.1:${this.#server.address().port}/hook`;
  }

  /** The signature headers of a delivery, as `Webhook#verify` takes them. */
  static signed(headers) {
    return {
      'webhook-id': headers['webhook-id'],
      'webhook-timestamp': headers['webhook-timestamp'],
      'webhook-signature': headers['webhook-signature'],
    };
  }

  /**
   * Resolves with the first delivery `match` accepts, awaiting arrivals for at most
   * `ms`; the rejection names `what` and lists what did arrive.
   */
  waitFor(match, ms, what = 'such webhook', context = '') {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.deliveries.find(match);
        if (!found) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        const seen = this.deliveries.map(({ id, json, invalid }) => ({ id, type: json?.type, invalid }));
        reject(new Error(`no ${what} in ${ms} ms; received ${JSON.stringify(seen)}\n${context}`));
      }, ms);
      if (!check()) this.#waiters.add(check);
    });
  }

  async close() {
    await new Promise((resolve) => this.#server?.close(resolve));
  }

  #receive(request, response) {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const delivery = { headers: request.headers, body, id: request.headers['webhook-id'] };
      try {
        delivery.json = JSON.parse(body);
      } catch {
        delivery.json = null;
      }
      let status = 204;
      if (this.#secret) {
        try {
          delivery.payload = new Webhook(this.#secret).verify(body, WebhookReceiver.signed(request.headers));
        } catch (error) {
          delivery.invalid = String(error);
          status = 400;
        }
      }
      this.deliveries.push(delivery);
      response.writeHead(status).end();
      for (const wake of [...this.#waiters]) wake();
    });
  }
}
