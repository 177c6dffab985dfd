/**
 * `npm run bench:lifecycle -- [N]`: N complete standard cases, intake to payout, one after another, against the
 * embedded stack (the Temporal CLI dev server with a file-backed state, as `npm start` runs it; PostgreSQL at
 * DATABASE_URL's server in a fresh database, else embedded). Each case: deferred documents supplied, verification-free
 * grant, rotation pick, institution confirmation, engagement (L-6), closure report and file (L-12), quality manager
 * approval (S-4.3), evaluator, score 80 (S-4.4), payout (S-4.5), closed. Prints per case the wall-clock duration and
 * the history length (events) of the case's workflow and of its evaluation workflow, and the median.
 */
import { runStandardCase, seedFeeAndSheet } from './standard-case';
import { startBenchStack } from './stack';

async function main() {
  const total = Number(process.argv[2] ?? 5);
  const stack = await startBenchStack('lifecycle', 10);
  const { prisma } = stack;
  const agency = 'KQ';
  await prisma.poolInstitution.create({ data: { id: 'B-A', agencyCode: agency, name: '基准律所', listOrder: 0 } });
  await prisma.poolMember.create({ data: { id: 'b-a1', institutionId: 'B-A' } });
  await seedFeeAndSheet(prisma);

  const results: Array<{ ms: number; caseEvents: number; evaluationEvents: number; workflowTasks: number }> = [];
  for (let i = 0; i < total; i++) {
    const applicationNo = `${agency}-2026-${String(900_000 + i)}`;
    const started = performance.now();
    const { handle, evaluation } = await runStandardCase(stack, agency, applicationNo);
    const ms = performance.now() - started;
    const events = [
      ...((await handle.fetchHistory()).events ?? []),
      ...((await evaluation.fetchHistory()).events ?? []),
    ];
    const caseEvents = (await handle.fetchHistory()).events?.length ?? 0;
    const evaluationEvents = events.length - caseEvents;
    // Workflow tasks of both workflows: each costs the worker a round trip (and three history events).
    const workflowTasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
    results.push({ ms: Math.round(ms), caseEvents, evaluationEvents, workflowTasks });
  }
  const paid = await prisma.payoutLine.count();
  const sorted = [...results].sort((a, b) => a.ms - b.ms);
  console.log(
    JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: stack.machine,
        database: stack.database,
        cases: total,
        payoutLines: paid,
        medianMs: sorted[Math.floor(sorted.length / 2)]!.ms,
        perCase: results,
      },
      null,
      2,
    ),
  );
  await stack.stop();
  if (paid !== total) {
    console.error('expected exactly one payout line per case');
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
