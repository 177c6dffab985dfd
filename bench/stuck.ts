/**
 * `npm run bench:stuck -- [cases] [visibilityCases] [runs]`: the stuck-case read model at scale (issue 8).
 *
 * Loads `cases` cases' rows (application + obligation, spread over six agencies, ten stages and due times from ten
 * days overdue to twenty days ahead) into PostgreSQL, then times the main stuck-case queries through the real HTTP
 * API (p50 / p95 of `runs` requests each, after warm-up). In the same run, starts `visibilityCases` parked workflows
 * with the same search attributes on the embedded Temporal dev server and times the equivalent visibility listing
 * (the only stuck-case question visibility can answer: "in stage X for more than N days", paged to the end, and its
 * count) — due times, owners and overdue order are not in Temporal's visibility at all.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { issueToken } from '../api/auth/tokens';
import { DEFAULT_RULE_CONFIG } from '../domain/rule-config';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { AGENCY_ATTR, SEARCH_ATTRIBUTES, STAGE_ATTR, STAGE_ENTERED_AT_ATTR } from '../domain/search-attributes';
import { temporalCli } from '../platform/temporal';
import { startBenchStack } from './stack';

const AGENCIES = ['YC', 'KQ', 'SY', 'ZJ', 'SZ', 'XC'];
/** Stage, obligation kind and owner role by case number modulo 10 (8: closed, nothing owed). */
const SHAPES: Array<[string, string | null, string]> = [
  ['awaiting_materials', 'documents', 'applicant'],
  ['under_review', 'decision', 'agency_head'],
  ['assigning', 'member_confirmation', 'institution'],
  ['assigned', 'engagement', 'member'],
  ['performing', 'case_handling', 'member'],
  ['performing', 'closure_report', 'member'],
  ['file_review', 'qa_approval', 'quality_manager'],
  ['evaluating', 'evaluation', 'evaluator'],
  ['closed', null, ''],
  ['objection_review', 'objection_review', 'justice_bureau'],
];
const HOUR = 3_600_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Due time of case i: from 240 hours overdue to 480 hours ahead, spread by a multiplicative hash; null for open-ended handling. */
function dueOffsetHours(i: number): number {
  return Number(((BigInt(i) * 2654435761n) % 4294967296n) % 720n) - 240;
}

async function main() {
  const total = Number(process.argv[2] ?? 100_000);
  const visibilityTotal = Number(process.argv[3] ?? total);
  const runs = Number(process.argv[4] ?? 30);
  const stack = await startBenchStack('stuck', 10);
  const now = new Date();
  try {
    // 1. The read model: one statement per table (generate_series), as a real system of this size would hold it.
    let started = Date.now();
    const shapes = JSON.stringify(SHAPES);
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO application (application_no, agency_code, channel, matter_category, applicant, matter,
         economic_situation, stage, stage_entered_at, stage_seq, received_at, updated_at, assigned_member_ids,
         assigned_institution_ids)
       SELECT 'BM-2026-' || lpad(i::text, 7, '0'), ($1::text[])[1 + (i / 10) % 6], 'walk_in', 'labour_remuneration',
         '{}', '{}', '{}', (($2::jsonb -> (i % 10)) ->> 0)::"ApplicationStage",
         $3::timestamptz + ((((i::bigint * 2654435761) % 4294967296) % 720) - 240 - 120) * interval '1 hour', 5, $3::timestamptz - interval '30 days',
         now(),
         CASE WHEN i % 10 BETWEEN 3 AND 7 THEN ARRAY['m-' || (i % 400)] ELSE '{}' END,
         CASE WHEN i % 10 BETWEEN 2 AND 7 THEN ARRAY['inst-' || (i % 40)] ELSE '{}' END
       FROM generate_series(0, $4::int - 1) AS i`,
      AGENCIES,
      shapes,
      now,
      total,
    );
    await stack.prisma.$executeRawUnsafe(
      `INSERT INTO obligation (application_no, source, key, kind, owner_role, owner_id, since, due_at, rule_id, state_seq)
       SELECT 'BM-2026-' || lpad(i::text, 7, '0'), CASE WHEN i % 10 = 7 THEN 'evaluation' ELSE 'application' END,
         ($2::jsonb -> (i % 10)) ->> 1, ($2::jsonb -> (i % 10)) ->> 1, ($2::jsonb -> (i % 10)) ->> 2,
         CASE ($2::jsonb -> (i % 10)) ->> 2
           WHEN 'applicant' THEN NULL
           WHEN 'member' THEN 'm-' || (i % 400)
           WHEN 'institution' THEN 'inst-' || (i % 40)
           WHEN 'quality_manager' THEN 'inst-' || (i % 40)
           WHEN 'evaluator' THEN 'eval-' || (i % 50)
           ELSE ($1::text[])[1 + (i / 10) % 6] END,
         $3::timestamptz + ((((i::bigint * 2654435761) % 4294967296) % 720) - 240 - 120) * interval '1 hour',
         CASE WHEN i % 10 = 4 THEN NULL ELSE $3::timestamptz + ((((i::bigint * 2654435761) % 4294967296) % 720) - 240) * interval '1 hour' END,
         'L-1', 5
       FROM generate_series(0, $4::int - 1) AS i WHERE i % 10 <> 8`,
      AGENCIES,
      shapes,
      now,
      total,
    );
    await stack.prisma.$executeRawUnsafe('ANALYZE application');
    await stack.prisma.$executeRawUnsafe('ANALYZE obligation');
    const rows = await stack.prisma.obligation.count();
    console.log(`loaded ${total} cases, ${rows} open obligations in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const expectedOverdue = Array.from({ length: total }, (_, i) => i).filter(
      (i) => i % 10 !== 8 && i % 10 !== 4 && dueOffsetHours(i) <= 0,
    ).length;

    // 2. The API, as managers call it.
    const app = createApp({
      prisma: stack.prisma,
      temporal: stack.client,
      taskQueue: stack.env.TEMPORAL_TASK_QUEUE,
      rules: DEFAULT_RULE_CONFIG,
      log: stack.log,
      auth: stack.secrets.auth,
      codec: stack.secrets.codec,
      statusCodeSecret: stack.secrets.statusCodeSecret,
      codecCorsOrigins: [],
      requireTraining: true,
      limits: { intakePerMinute: 1e6, actionsPerMinute: 1e6, lookupsPerMinute: 1e6 },
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const city = await issueToken(stack.secrets.auth, { userId: 'city-1', roles: ['city_centre'], agency: 'SX' });
    const kq = await issueToken(stack.secrets.auth, { userId: 'staff-kq', roles: ['agency_staff'], agency: 'KQ' });
    const queries: Array<[string, string, string]> = [
      ['city: overdue, most overdue first (page of 50 + total)', '/cases/stuck?view=overdue', city],
      ['agency KQ: overdue', '/cases/stuck?view=overdue', kq],
      ['agency KQ: due within 24 h', '/cases/stuck?view=due_soon&withinHours=24', kq],
      ['agency KQ: in performing > 7 days', '/cases/stuck?view=waiting&olderThanDays=7&stage=performing', kq],
      ['city: one member’s cases (memberId)', '/cases/stuck?memberId=m-7', city],
      ['city: owner filter (evaluator)', '/cases/stuck?ownerRole=evaluator&ownerId=eval-7', city],
      ['city: counts by stage and agency', '/cases/stuck/counts', city],
    ];
    let waitingKq = -1;
    console.log(`\n| query | p50 ms | p95 ms | rows (total) |\n|---|---|---|---|`);
    for (const [label, path, token] of queries) {
      const times: number[] = [];
      let answer: { total?: number; byStage?: unknown[] } = {};
      for (let r = 0; r < runs + 3; r++) {
        const t0 = performance.now();
        const res = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
        answer = (await res.json()) as typeof answer;
        if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(answer)}`);
        if (r >= 3) times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      const size = answer.total ?? answer.byStage?.length ?? 0;
      console.log(`| ${label} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${size} |`);
      if (label.startsWith('agency KQ: in performing')) waitingKq = answer.total ?? -1;
      if (label.startsWith('city: overdue') && answer.total !== expectedOverdue) {
        throw new Error(`overdue total ${answer.total}, expected ${expectedOverdue}`);
      }
    }
    await new Promise((resolve) => server.close(resolve));

    // 3. Temporal visibility: parked workflows (never run) carrying the same search attributes, on a dev server of
    // their own held in memory (the file-backed one starts only ~30-50 workflows/s on this machine, ~280/s in memory;
    // listing is the same SQL visibility store either way).
    if (visibilityTotal > 0) {
      const visibility = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: temporalCli(stack.env),
          searchAttributes: [...SEARCH_ATTRIBUTES],
          log: { format: 'json', level: 'error' },
        },
      });
      const client = visibility.client;
      const taskQueue = `bench-parked-${Date.now()}`;
      started = Date.now();
      let next = 0;
      const concurrency = 64;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < visibilityTotal; i = next++) {
            const [stage] = SHAPES[i % 10]!;
            await client.workflow.start('benchParkedCase', {
              taskQueue,
              workflowId: `bench-parked-${i}`,
              typedSearchAttributes: [
                { key: STAGE_ATTR, value: stage },
                { key: AGENCY_ATTR, value: AGENCIES[Math.floor(i / 10) % 6]! },
                { key: STAGE_ENTERED_AT_ATTR, value: new Date(now.getTime() + (dueOffsetHours(i) - 120) * HOUR) },
              ],
            });
          }
        }),
      );
      const startSeconds = (Date.now() - started) / 1000;
      console.log(
        `\nstarted ${visibilityTotal} parked workflows in ${startSeconds.toFixed(1)} s (${(visibilityTotal / startSeconds).toFixed(0)}/s)`,
      );
      const cutoff = new Date(now.getTime() - 7 * 24 * HOUR).toISOString();
      const query = `WorkflowType = 'benchParkedCase' AND ExecutionStatus = 'Running' AND LegalAidAgency = 'KQ' AND LegalAidStage = 'performing' AND LegalAidStageEnteredAt < '${cutoff}'`;
      for (;;) {
        const { count } = await client.workflow.count(`WorkflowType = 'benchParkedCase'`);
        if (count >= visibilityTotal) break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const listTimes: number[] = [];
      const countTimes: number[] = [];
      let listed = 0;
      for (let r = 0; r < Math.max(3, Math.min(runs, 10)); r++) {
        let t0 = performance.now();
        listed = 0;
        for await (const _ of client.workflow.list({ query, pageSize: 1000 })) listed += 1;
        listTimes.push(performance.now() - t0);
        t0 = performance.now();
        await client.workflow.count(query);
        countTimes.push(performance.now() - t0);
      }
      listTimes.sort((a, b) => a - b);
      countTimes.sort((a, b) => a - b);
      console.log(
        `\nTemporal visibility (${visibilityTotal} workflows), agency KQ in performing > 7 days: list to the end ` +
          `p50 ${percentile(listTimes, 50).toFixed(1)} ms / p95 ${percentile(listTimes, 95).toFixed(1)} ms ` +
          `(${listed} executions); count p50 ${percentile(countTimes, 50).toFixed(1)} ms / p95 ${percentile(countTimes, 95).toFixed(1)} ms`,
      );
      await visibility.teardown();
      // The same question asked of both must get the same answer.
      if (visibilityTotal === total && listed !== waitingKq) {
        throw new Error(`visibility listed ${listed}, the read model ${waitingKq}`);
      }
    }
    console.log(`\nmachine: ${stack.machine}; database: ${stack.database}; ${new Date().toISOString()}`);
  } finally {
    await stack.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
