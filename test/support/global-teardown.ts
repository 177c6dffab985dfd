import { dropDatabase } from '../../platform/database';

export default async function globalTeardown(): Promise<void> {
  // Each run's database is dropped unless KEEP_TEST_DB=1, so runs never see each other's rows nor pile up.
  const url = process.env.TEST_DATABASE_URL;
  if (url && process.env.KEEP_TEST_DB !== '1') await dropDatabase(url).catch(() => undefined);
  for (const step of (globalThis.__legalAidTeardown ?? []).reverse()) {
    await step().catch(() => undefined);
  }
}
