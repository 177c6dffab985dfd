/**
 * Bearer tokens: signed JWTs verified with `jose`. Two sources of keys, usable together:
 * - shared secrets by key id (HS256), from configuration; several ids are accepted, so keys rotate by adding the
 *   new id, signing with it, and removing the old one once its tokens have expired;
 * - an OpenID Connect identity provider's JWKS URL (RS256/ES256), keys fetched and rotated by the provider.
 * Claims: `sub` (user id), `roles` (array), `agency` (agency code), optional `institution`.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
import { AGENCY_CODES } from '../../domain/agencies';
import { line } from '../text';
import { ROLE_NAMES, type Principal, type Role } from './access';

export interface AuthConfig {
  issuer: string;
  audience: string;
  /** kid -> secret (at least 32 bytes). */
  hmacKeys: Record<string, string>;
  /** kid used to sign tokens issued by this system (dev tokens, `npm run token`). */
  signingKeyId?: string;
  jwksUrl?: string;
}

const claims = z.object({
  // Ids end up in records (actors, filers): no control characters (api/text.ts).
  sub: line('用户编号').min(1).max(128),
  roles: z.array(z.enum(ROLE_NAMES)).min(1),
  agency: z.enum(AGENCY_CODES).optional(),
  institution: line('机构编号').max(64).optional(),
});

export class TokenError extends Error {}

export function createTokenVerifier(config: AuthConfig) {
  const secrets = new Map(
    Object.entries(config.hmacKeys).map(([kid, secret]) => [kid, new TextEncoder().encode(secret)]),
  );
  const jwks = config.jwksUrl ? createRemoteJWKSet(new URL(config.jwksUrl)) : undefined;
  const options = { issuer: config.issuer, audience: config.audience, requiredClaims: ['exp', 'sub'] };

  return async function verify(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      const header = decodeProtectedHeader(token);
      if (header.alg === 'HS256') {
        const secret = header.kid === undefined ? undefined : secrets.get(header.kid);
        if (!secret) throw new TokenError(`unknown key id ${String(header.kid)}`);
        payload = (await jwtVerify(token, secret, { ...options, algorithms: ['HS256'] })).payload;
      } else if (jwks) {
        payload = (await jwtVerify(token, jwks, { ...options, algorithms: ['RS256', 'ES256', 'PS256', 'EdDSA'] }))
          .payload;
      } else {
        throw new TokenError(`algorithm ${String(header.alg)} is not accepted`);
      }
    } catch (err) {
      throw err instanceof TokenError ? err : new TokenError((err as Error).message);
    }
    const parsed = claims.safeParse(payload);
    if (!parsed.success) throw new TokenError('token claims are incomplete (sub, roles, agency)');
    return {
      userId: parsed.data.sub,
      roles: parsed.data.roles,
      agency: parsed.data.agency,
      institution: parsed.data.institution,
    };
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

/** Issues a token signed with the configured signing key (development, tests, service accounts). */
export async function issueToken(
  config: AuthConfig,
  principal: { userId: string; roles: Role[]; agency?: string; institution?: string },
  ttlSeconds = 8 * 3600,
): Promise<string> {
  const kid = config.signingKeyId ?? Object.keys(config.hmacKeys)[0];
  const secret = kid === undefined ? undefined : config.hmacKeys[kid];
  if (!kid || !secret) throw new Error('no signing key configured (AUTH_HMAC_KEYS / AUTH_SIGNING_KEY_ID)');
  return new SignJWT({ roles: principal.roles, agency: principal.agency, institution: principal.institution })
    .setProtectedHeader({ alg: 'HS256', kid })
    .setSubject(principal.userId)
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
