/**
 * `npm run bench:intake -- [N] [concurrency]`: N applications through the real API (HTTP, auth, idempotency,
 * PostgreSQL, a workflow start each) against the embedded stack: the Temporal CLI dev server with a file-backed state
 * (as `npm start` runs it) and PostgreSQL (DATABASE_URL's server, a fresh database; else embedded). Prints
 * applications/s and intake latency p50/p95/p99, and how long until every application was recorded by its workflow.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../api/app';
import { issueToken } from '../api/auth/tokens';
import { apiConfig } from '../platform/bootstrap';
import { startBenchStack } from './stack';

const CHECK = '10X98765432';
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
function idNumber(i: number): string {
  const body = `330602198001${String(10 + (i % 18)).padStart(2, '0')}${String(i % 1000).padStart(3, '0')}`;
  return body + CHECK[WEIGHTS.reduce((acc, w, k) => acc + w * Number(body[k]), 0) % 11];
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function main() {
  const total = Number(process.argv[2] ?? 500);
  const concurrency = Number(process.argv[3] ?? 20);
  const stack = await startBenchStack('bench', 20);
  const { env, log, prisma, client, secrets } = stack;
  const config = apiConfig(env, secrets);
  const app = createApp({
    prisma,
    temporal: client,
    log,
    ...config,
    limits: { intakePerMinute: 1e9, actionsPerMinute: 1e9, lookupsPerMinute: 1e9 },
  });
  const http = createServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const token = await issueToken(secrets.auth, { userId: 'bench', roles: ['city_centre'], agency: 'SX' });

  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        const res = await fetch(`${base}/applications`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${token}`,
            'Idempotency-Key': randomUUID(),
          },
          body: JSON.stringify({
            agencyCode: ['YC', 'KQ', 'SY', 'ZJ', 'SZ', 'XC'][i % 6],
            channel: 'walk_in',
            applicant: { name: '压测', idNumber: idNumber(i) },
            matter: { category: 'labour_remuneration', summary: '压测' },
            economicSituation: { householdSize: 3, monthlyHouseholdIncome: 2000, commitmentSigned: true },
            materialsSupplied: i % 2 ? ['identity_proof'] : ['identity_proof', 'economic_statement', 'matter_evidence'],
            intake: { correctionCommitment: true },
          }),
        });
        latencies.push(performance.now() - t0);
        if (res.status !== 201) failures += 1;
        await res.arrayBuffer();
      }
    }),
  );
  const intakeSeconds = (performance.now() - started) / 1000;
  while ((await prisma.application.count({ where: { stageSeq: { gte: 2 } } })) < total - failures) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const settledSeconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const result = {
    date: new Date().toISOString(),
    machine: stack.machine,
    database: stack.database,
    applications: total,
    concurrency,
    failures,
    applicationsPerSecond: Math.round((total / intakeSeconds) * 10) / 10,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
    allRecordedAfterSeconds: Math.round(settledSeconds * 10) / 10,
  };
  console.log(JSON.stringify(result, null, 2));

  await new Promise((resolve) => http.close(resolve));
  await stack.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
