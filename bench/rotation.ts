/**
 * `npm run bench:rotation -- [N] [members]`: N assignment requests fired at once for one agency against PostgreSQL
 * (DATABASE_URL's server, a fresh database; else embedded), through the activity the assignment stage calls
 * (`pickForCase`); every tenth request is a group case needing 3 members (S-3.3). Prints assignments/s and picks/s
 * and checks 0 duplicate and 0 lost turns (turns sum to the picks, spread <= 1, ledger 1..picks, no member twice on
 * one case).
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
  const cases = await Promise.all(
    Array.from({ length: total }, (_, i) =>
      acts.pickForCase({
        agencyCode: 'KQ',
        applicationNo: `KQ-2026-${String(i).padStart(6, '0')}`,
        purposes: i % 10 === 9 ? ['assignment-1', 'assignment-2', 'assignment-3'] : ['assignment-1'],
        request: {},
      }),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const picks = cases.reduce((sum, c) => sum + c.length, 0);
  const twiceOnOneCase = cases.filter((c) => new Set(c.map((p) => p.chosen)).size !== c.length).length;

  const turns = (await prisma.poolMember.findMany({ select: { turns: true } })).map((m) => m.turns);
  const seqs = (await prisma.rotationLedger.findMany({ select: { seq: true }, orderBy: { seq: 'asc' } })).map(
    (r) => r.seq,
  );
  const duplicates = seqs.length - new Set(seqs).size;
  const lost = picks - turns.reduce((a, b) => a + b, 0);
  const contiguous = seqs.every((s, i) => s === i + 1) && seqs.length === picks;
  const result = {
    date: new Date().toISOString(),
    machine: `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
    database: env.DATABASE_URL ? 'PostgreSQL at DATABASE_URL' : 'embedded PostgreSQL 17',
    assignments: total,
    picks,
    members: memberCount,
    assignmentsPerSecond: Math.round((total / seconds) * 10) / 10,
    picksPerSecond: Math.round((picks / seconds) * 10) / 10,
    memberTwiceOnOneCase: twiceOnOneCase,
    duplicateTurns: duplicates,
    lostTurns: lost,
    ledgerContiguous: contiguous,
    turnSpread: Math.max(...turns) - Math.min(...turns),
  };
  console.log(JSON.stringify(result, null, 2));
  await prisma.$disconnect();
  await dropDatabase(url.toString()).catch(() => undefined);
  await stopPg?.();
  if (duplicates !== 0 || lost !== 0 || !contiguous || result.turnSpread > 1 || twiceOnOneCase !== 0) {
    console.error('rotation invariants violated');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
