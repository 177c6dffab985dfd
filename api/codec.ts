/**
 * Codec endpoint for Temporal's Web UI and CLI (`--codec-endpoint`): decrypts (and encrypts) payloads for
 * authenticated staff whose role may use it (others get 401/403), and each payload only for someone who may read the
 * case of the workflow it belongs to (its `legal-aid-workflow` tag, bound to the ciphertext, platform/codec.ts): the
 * others come back as they were sent, sealed. Payloads of no case (pool timers, the read model's jobs, none named)
 * decrypt for city-wide readers only.
 * Protocol: POST {endpoint}/decode and /encode with `{ payloads: [{ metadata: {k: base64}, data: base64 }] }`.
 */
import type { RequestHandler } from 'express';
import type { z } from 'zod';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { caseOfWorkflowId } from '../domain/definitions';
import { isSealed, ownerOf } from '../platform/codec';
import type { PrismaClient } from '../prisma/generated/client';
import { mayActOn, mayActOnAgency, type Principal } from './auth/access';
import { codecRoutes, type wirePayloads } from './contract/codec';
import { loadApplicationScope } from './guards';
import type { Mounter } from './mount';

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

/** May `p` read the payloads of this workflow (undefined: a payload sealed outside any workflow)? */
async function mayDecode(prisma: PrismaClient, p: Principal, workflowId: string | undefined): Promise<boolean> {
  const owner = workflowId === undefined ? null : caseOfWorkflowId(workflowId);
  if (owner === null) return mayActOnAgency('codec.use', p, null);
  if ('callId' in owner) {
    const call = await prisma.hotlineCall.findUnique({ where: { id: owner.callId }, select: { agencyCode: true } });
    return call !== null && mayActOnAgency('codec.use', p, call.agencyCode);
  }
  if ('complaintId' in owner) {
    const row = await prisma.complaint.findUnique({ where: { id: owner.complaintId }, select: { agencyCode: true } });
    return row !== null && mayActOnAgency('codec.use', p, row.agencyCode);
  }
  const scope = await loadApplicationScope(prisma, owner.applicationNo);
  return scope !== null && mayActOn('codec.use', p, scope);
}

export function mountCodec(m: Mounter, deps: { codec: PayloadCodec; prisma: PrismaClient }): void {
  const { codec, prisma } = deps;
  m.mount(codecRoutes.decode, async ({ body, principal }, _req, res) => {
    const payloads = body.payloads.map(fromWire);
    const owners = [...new Set(payloads.filter(isSealed).map(ownerOf))];
    const readable = new Map(
      await Promise.all(owners.map(async (o) => [o, await mayDecode(prisma, principal, o)] as const)),
    );
    // Not the caller's case, or not decryptable (a retired key, a payload re-labelled with another workflow): sent
    // back sealed, as a codec that cannot read a payload does.
    const decoded = await Promise.all(
      payloads.map(async (p) =>
        isSealed(p) && !readable.get(ownerOf(p))
          ? p
          : codec.decode([p]).then(
              ([d]) => d!,
              () => p,
            ),
      ),
    );
    res.json({ payloads: decoded.map(toWire) });
  });
  m.mount(codecRoutes.encode, async ({ body }, _req, res) => {
    res.json({ payloads: (await codec.encode(body.payloads.map(fromWire))).map(toWire) });
  });
}
