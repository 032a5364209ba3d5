import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Answers per path: a list of statuses used in turn (the last one repeats); 200 when unset. */
export type Script = Record<string, number[]>;

/** A webhook receiver on 127.0.0.1 that records every request and answers as scripted. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly script: Script = {};
  private server!: Server;
  private waiters: (() => void)[] = [];

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '/';
        this.received.push({ path, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const statuses = this.script[path];
        const status = statuses?.length ? (statuses.length > 1 ? statuses.shift()! : statuses[0]) : 200;
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'thanks' : 'nope');
        this.waiters.forEach((w) => w());
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  answer(path: string, statuses: number[]): void {
    this.script[path] = [...statuses];
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.path === path);
  }

  /** Resolves once `count` requests reached `path`; rejects after `ms`. */
  async waitFor(path: string, count = 1, ms = 15_000): Promise<ReceivedWebhook[]> {
    const deadline = Date.now() + ms;
    while (this.at(path).length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhook(s) at ${path}, got ${this.at(path).length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.waiters = [];
    }
    return this.at(path);
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
