/**
 * A real webhook receiver for the alert tests: a node:http server on 127.0.0.1 that records every request and
 * answers with the statuses it is told (then 204), and can check the dashboard's signature.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Statuses for the next requests, in order; 204 once they run out. */
  answers: number[];
  /** Whether `request` carries `sha256=<HMAC-SHA256 of its body with secret>`. */
  verify(request: ReceivedWebhook, secret: string): boolean;
  close(): Promise<void>;
}

/** `delayMs`: how long each answer takes (keeps sends in flight). */
export const startWebhookReceiver = async (answers: number[] = [], options: { delayMs?: number } = {}): Promise<WebhookReceiver> => {
  const received: ReceivedWebhook[] = [];
  const receiver = { answers } as WebhookReceiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = receiver.answers.shift() ?? 204;
      setTimeout(() => res.end(), options.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    verify(request: ReceivedWebhook, secret: string) {
      const header = String(request.headers['x-dashboard-signature'] ?? '');
      const expected = `sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`;
      return header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected));
    },
    close: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  });
};
