/** A local HTTP server speaking the SMS gateway protocol of platform/sms.ts, for tests (we cannot reach a real one). */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  to: string;
  content: string;
  idempotencyKey: string;
  authorization?: string;
}

export async function startFakeSmsGateway(options: { failFirst?: number } = {}) {
  const received: ReceivedSms[] = [];
  const seenKeys = new Set<string>();
  let failuresLeft = options.failFirst ?? 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    req.on('end', () => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        res.writeHead(503).end();
        return;
      }
      const body = JSON.parse(raw) as { to: string; content: string };
      const key = String(req.headers['idempotency-key'] ?? '');
      // Like real gateways: a repeated idempotency key is acknowledged but not sent again.
      if (!seenKeys.has(key)) {
        seenKeys.add(key);
        received.push({
          to: body.to,
          content: body.content,
          idempotencyKey: key,
          authorization: req.headers.authorization,
        });
      }
      res.writeHead(202, { 'Content-Type': 'application/json' }).end('{"accepted":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
