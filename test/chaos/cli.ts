/**
 * The long chaos runs of issue 10, one npm script each; each prints its figures and checks and exits non-zero when a
 * check fails:
 *
 *   npm run chaos:workers  -- [cases=200] [kills=50]
 *   npm run chaos:temporal -- [cases=200] [restarts=2]
 *   npm run chaos:database -- [cases=100] [outageSeconds=30]
 *   npm run chaos:fuzz     -- [requests=10000]
 */
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { killAllGroups } from './harness';
import { badInput, databaseOutage, report, temporalRestarts, workerCrashes, type ScenarioResult } from './scenarios';

// The operator's replays (operator.ts) run replay workers in this process: their state changes and the replay
// failures they exist to find are not news (operatorResets lists them).
Runtime.install({
  logger: new DefaultLogger('WARN'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'WARN' } } },
});

// Ctrl-C: take the run's dev server, worker and API down with it (they run in process groups of their own).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAllGroups();
    process.exit(130);
  });
}

async function main() {
  const [mode, a, b] = process.argv.slice(2);
  const n = (v: string | undefined, d: number) => (v === undefined ? d : Number(v));
  let result: ScenarioResult;
  if (mode === 'workers') result = await workerCrashes(n(a, 200), n(b, 50), Math.max(12, n(a, 200) / 10));
  else if (mode === 'temporal') result = await temporalRestarts(n(a, 200), n(b, 2), 25);
  else if (mode === 'fuzz') result = await badInput(n(a, 10_000));
  else if (mode === 'database') result = await databaseOutage(n(a, 100), n(b, 30), 25);
  else throw new Error('usage: tsx test/chaos/cli.ts workers|temporal|database|fuzz [cases] [kills|restarts|seconds]');
  const ok = report(result);
  process.exit(ok ? 0 : 1);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
