/**
 * Personal data out of Temporal's clear text: an AES-256-GCM payload codec on every client and worker, so workflow
 * inputs, results, updates, queries, memos and (with domain/failure-converter.ts) failure messages are stored
 * encrypted in Temporal. Each payload names the key it was sealed with; several keys are accepted for decryption,
 * so keys rotate by adding a new key, making it current, and retiring the old one once no open case needs it.
 *
 * Each payload also names the workflow it belongs to (`legal-aid-workflow`, from the SDK's serialization context: a
 * workflow id, which holds no personal data), bound to the ciphertext as additional authenticated data: the codec
 * endpoint (api/codec.ts) decrypts a payload only for someone who may read that workflow's case, and a payload
 * re-labelled with another workflow no longer decrypts.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec, SerializationContext } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
/** The id of the workflow a sealed payload belongs to (absent when it was sealed outside any workflow's context). */
export const OWNER_METADATA = 'legal-aid-workflow';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = (text: string) => new TextEncoder().encode(text);
const text = (bytes: Uint8Array | null | undefined) => (bytes ? new TextDecoder().decode(bytes) : undefined);

export class AesGcmCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;

  constructor(
    keys: Record<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    this.keys = new Map(Object.entries(keys));
    for (const [kid, key] of this.keys) {
      if (key.length !== 32) throw new Error(`payload key ${kid} must be 32 bytes (AES-256), got ${key.length}`);
    }
    if (!this.keys.has(currentKeyId)) throw new Error(`current payload key ${currentKeyId} is not among the keys`);
  }

  // Work runs inside .then(), so a failure (an unknown key, a tampered payload) is a rejected promise, never a
  // synchronous throw out of encode/decode.
  encode(payloads: Payload[], context?: SerializationContext): Promise<Payload[]> {
    const key = this.keys.get(this.currentKeyId)!;
    const owner = context?.workflowId;
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        const iv = randomBytes(IV_BYTES);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        if (owner) cipher.setAAD(utf8(owner));
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
        return {
          metadata: {
            encoding: utf8(ENCRYPTED_ENCODING),
            [KEY_ID_METADATA]: utf8(this.currentKeyId),
            ...(owner ? { [OWNER_METADATA]: utf8(owner) } : {}),
          },
          data: sealed,
        };
      }),
    );
  }

  decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.resolve().then(() =>
      payloads.map((payload) => {
        if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return payload;
        const kid = text(payload.metadata?.[KEY_ID_METADATA]);
        const key = kid === undefined ? undefined : this.keys.get(kid);
        if (!key) throw new Error(`no key to decrypt payload sealed with key id ${String(kid)}`);
        const data = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        const owner = ownerOf(payload);
        if (owner) decipher.setAAD(utf8(owner));
        decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
        const plain = Buffer.concat([
          decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return temporal.api.common.v1.Payload.decode(plain);
      }),
    );
  }
}

/** Whether a payload is sealed by this codec. */
export function isSealed(payload: Payload): boolean {
  return text(payload.metadata?.encoding) === ENCRYPTED_ENCODING;
}

/** The workflow a sealed payload belongs to, as it names it (checked when it is decrypted). */
export function ownerOf(payload: Payload): string | undefined {
  return text(payload.metadata?.[OWNER_METADATA]) || undefined;
}

export const FAILURE_CONVERTER_PATH = require.resolve('../domain/failure-converter');

/** The data converter every client and worker of this system uses. */
export function dataConverter(codec: PayloadCodec): DataConverter {
  return { payloadCodecs: [codec], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/** Parses `kid:base64,kid2:base64` (PAYLOAD_KEYS). */
export function parsePayloadKeys(spec: string): Record<string, Buffer> {
  return Object.fromEntries(
    spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf(':');
        if (at < 1) throw new Error('PAYLOAD_KEYS must look like kid:base64key[,kid2:base64key]');
        return [part.slice(0, at), Buffer.from(part.slice(at + 1), 'base64')];
      }),
  );
}
