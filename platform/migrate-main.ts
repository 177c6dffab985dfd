/** `npm run db:deploy`: applies pending migrations to DATABASE_URL, as `prisma migrate deploy` would. */
import { applyMigrations } from './migrations';
import { loadEnv } from './env';

async function main() {
  const env = loadEnv();
  if (env.DATABASE_URL === undefined) throw new Error('DATABASE_URL is required for npm run db:deploy');
  const applied = await applyMigrations(env.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database schema is up to date');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
