/**
 * `npm run bench:rotation -- [N] [members]`: N rotation picks fired at once for one agency against PostgreSQL
 * (DATABASE_URL's server, a fresh database; else embedded), through the same activity the assignment stage will
 * use. Prints picks/s and checks 0 duplicate and 0 lost turns (turns sum to N, spread <= 1, ledger 1..N).
 */
import { mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../activities';
import { createPrisma, dropDatabase, ensureDatabase, startEmbeddedPostgres } from '../platform/database';
import { loadEnv } from '../platform/env';
import { createLogger } from '../platform/logger';
import { applyMigrations } from '../platform/migrations';

async function main() {
  const total = Number(process.argv[2] ?? 1000);
  const memberCount = Number(process.argv[3] ?? 40);
  const env = loadEnv();
  let server = env.DATABASE_URL;
  let stopPg: (() => Promise<void>) | undefined;
  if (!server) {
    const pg = await startEmbeddedPostgres(
      mkdtempSync(join(tmpdir(), 'rotation-bench-')),
      57000 + (process.pid % 1000),
      createLogger('error'),
    );
    server = `${pg.serverUrl}/postgres`;
    stopPg = () => pg.stop();
  }
  const url = new URL(server);
  url.pathname = `/legal_aid_rotation_bench_${Date.now()}`;
  await ensureDatabase(url.toString());
  await applyMigrations(url.toString());
  const prisma = createPrisma(url.toString(), 10);
  const acts = createActivities({ prisma });

  for (let i = 0; i < 8; i++) {
    await prisma.poolInstitution.create({ data: { id: `I${i}`, agencyCode: 'KQ', name: `律所${i}`, listOrder: i } });
  }
  for (let i = 0; i < memberCount; i++) {
    await prisma.poolMember.create({ data: { id: `M${String(i).padStart(3, '0')}`, institutionId: `I${i % 8}` } });
  }

  const started = performance.now();
  await Promise.all(
    Array.from({ length: total }, (_, i) =>
      acts.assignByRotation({
        agencyCode: 'KQ',
        applicationNo: `KQ-2026-${String(i).padStart(6, '0')}`,
        purpose: 'assignment',
        request: {},
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;

  const turns = (await prisma.poolMember.findMany({ select: { turns: true } })).map((m) => m.turns);
  const seqs = (await prisma.rotationLedger.findMany({ select: { seq: true }, orderBy: { seq: 'asc' } })).map(
    (r) => r.seq,
  );
  const duplicates = seqs.length - new Set(seqs).size;
  const lost = total - turns.reduce((a, b) => a + b, 0);
  const contiguous = seqs.every((s, i) => s === i + 1) && seqs.length === total;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    database: env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL 17',
    picks: total,
    members: memberCount,
    picksPerSecond: Math.round((total / seconds) * 10) / 10,
    duplicateTurns: duplicates,
    lostTurns: lost,
    ledgerContiguous: contiguous,
    turnSpread: Math.max(...turns) - Math.min(...turns),
  };
  console.log(JSON.stringify(result, null, 2));
  await prisma.$disconnect();
  await dropDatabase(url.toString()).catch(() => undefined);
  await stopPg?.();
  if (duplicates !== 0 || lost !== 0 || !contiguous || result.turnSpread > 1) {
    console.error('rotation invariants violated');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
