/**
 * Codec endpoint for Temporal's Web UI and CLI (`--codec-endpoint`): decrypts (and encrypts) payloads for
 * authenticated staff whose role may read them; everyone else gets 401/403 and sees only ciphertext.
 * Protocol: POST {endpoint}/decode and /encode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 */
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { authorize } from './auth/middleware';
import { line } from './text';

const wirePayloads = z.object({
  payloads: z
    .array(
      z.object({
        metadata: z.record(line('元数据名称'), line('元数据')).optional(),
        data: line('数据').optional(),
      }),
    )
    .max(1000),
});
type WirePayload = z.infer<typeof wirePayloads>['payloads'][number];

const fromWire = (p: WirePayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toWire = (p: Payload): WirePayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});

/** CORS for the Web UI's origin only; the UI sends the token in `Authorization`. */
export function codecCors(origins: string[]): RequestHandler {
  return (req, res, next) => {
    const origin = req.header('Origin');
    if (origin && origins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Vary', 'Origin');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  };
}

export function codecRouter(codec: PayloadCodec, authenticate: RequestHandler, audited: RequestHandler): Router {
  const router = Router();
  router.use(authenticate, authorize('codec.use'), audited);
  router.post('/decode', async (req, res) => {
    const { payloads } = wirePayloads.parse(req.body);
    res.json({ payloads: (await codec.decode(payloads.map(fromWire))).map(toWire) });
  });
  router.post('/encode', async (req, res) => {
    const { payloads } = wirePayloads.parse(req.body);
    res.json({ payloads: (await codec.encode(payloads.map(fromWire))).map(toWire) });
  });
  return router;
}
