/**
 * Keys and secrets: token keys, payload encryption keys, the status-code secret. From configuration
 * (AUTH_HMAC_KEYS, PAYLOAD_KEYS/PAYLOAD_KEY_ID, STATUS_CODE_SECRET); on one machine (`npm start`) any that are not
 * configured are generated once into `<DATA_DIR>/secrets.json` (mode 0600), so the embedded system is encrypted and
 * signed from its first start. Production sets them explicitly (README, Security).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthConfig } from '../api/auth/tokens';
import { AesGcmCodec, parsePayloadKeys } from './codec';
import type { Env } from './env';

interface LocalSecrets {
  authHmacKeys: string;
  payloadKeys: string;
  payloadKeyId: string;
  statusCodeSecret: string;
}

export interface Secrets {
  auth: AuthConfig;
  codec: AesGcmCodec;
  statusCodeSecret: string;
}

function parseHmacKeys(spec: string): Record<string, string> {
  const keys = Object.fromEntries(
    spec
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)]),
  );
  for (const [kid, secret] of Object.entries(keys)) {
    if (!kid || secret.length < 32)
      throw new Error('AUTH_HMAC_KEYS must look like kid:secret (secret >= 32 characters)');
  }
  return keys;
}

function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as LocalSecrets;
  const generated: LocalSecrets = {
    authHmacKeys: `local-1:${randomBytes(32).toString('base64url')}`,
    payloadKeys: `local-1:${randomBytes(32).toString('base64')}`,
    payloadKeyId: 'local-1',
    statusCodeSecret: randomBytes(32).toString('base64url'),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return generated;
}

/**
 * `allowLocal`: fill what is not configured from DATA_DIR/secrets.json, creating it if needed (npm start, npm run
 * token). Otherwise everything must be configured, and a missing value stops the process.
 */
export function resolveSecrets(env: Env, allowLocal: boolean): Secrets {
  const configured = env.AUTH_HMAC_KEYS !== undefined || env.AUTH_JWKS_URL !== undefined;
  const complete = configured && env.PAYLOAD_KEYS !== undefined && env.STATUS_CODE_SECRET !== undefined;
  const local = complete ? undefined : allowLocal ? localSecrets(env.DATA_DIR) : undefined;
  const missing = [
    !configured && !local && 'AUTH_HMAC_KEYS or AUTH_JWKS_URL',
    !env.PAYLOAD_KEYS && !local && 'PAYLOAD_KEYS',
    !env.STATUS_CODE_SECRET && !local && 'STATUS_CODE_SECRET',
  ].filter(Boolean);
  if (missing.length > 0) throw new Error(`missing configuration: ${missing.join(', ')} (see README, Security)`);

  const hmacSpec = env.AUTH_HMAC_KEYS ?? (configured ? undefined : local?.authHmacKeys);
  const payloadSpec = env.PAYLOAD_KEYS ?? local!.payloadKeys;
  const payloadKeys = parsePayloadKeys(payloadSpec);
  const payloadKeyId = env.PAYLOAD_KEY_ID ?? (env.PAYLOAD_KEYS ? Object.keys(payloadKeys)[0] : local!.payloadKeyId);
  if (payloadKeyId === undefined) throw new Error('PAYLOAD_KEYS is empty');
  return {
    auth: {
      issuer: env.AUTH_ISSUER,
      audience: env.AUTH_AUDIENCE,
      hmacKeys: hmacSpec ? parseHmacKeys(hmacSpec) : {},
      signingKeyId: env.AUTH_SIGNING_KEY_ID,
      jwksUrl: env.AUTH_JWKS_URL,
    },
    codec: new AesGcmCodec(payloadKeys, payloadKeyId),
    statusCodeSecret: env.STATUS_CODE_SECRET ?? local!.statusCodeSecret,
  };
}
