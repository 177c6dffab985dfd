/**
 * `npm run token -- --sub staff-1 --role agency_staff --agency KQ [--role agency_head] [--institution X] [--hours 8]`
 * Issues a signed bearer token for development, tests and service accounts, with the configured signing key
 * (or, on one machine, the key generated into DATA_DIR/secrets.json). People sign in through the identity provider.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AGENCY_CODES } from '../domain/agencies';
import { ROLE_NAMES } from '../api/auth/access';
import { issueToken } from '../api/auth/tokens';
import { loadEnv } from './env';
import { resolveSecrets } from './secrets';

async function main() {
  const { values } = parseArgs({
    options: {
      sub: { type: 'string' },
      role: { type: 'string', multiple: true },
      agency: { type: 'string' },
      institution: { type: 'string' },
      hours: { type: 'string', default: '8' },
    },
  });
  const args = z
    .object({
      sub: z.string().min(1),
      role: z.array(z.enum(ROLE_NAMES)).min(1),
      agency: z.enum(AGENCY_CODES).optional(),
      institution: z.string().optional(),
      hours: z.coerce
        .number()
        .positive()
        .max(24 * 30),
    })
    .parse(values);
  const secrets = resolveSecrets(loadEnv(), true);
  const token = await issueToken(
    secrets.auth,
    { userId: args.sub, roles: args.role, agency: args.agency, institution: args.institution },
    Math.round(args.hours * 3600),
  );
  process.stdout.write(`${token}\n`);
}

main().catch((err) => {
  console.error(
    err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n') : err,
  );
  process.exit(1);
});
