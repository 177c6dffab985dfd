/**
 * The worker process of bench/timers.ts: runs `openCaseWorkflow` (bench/workflows/synthetic.ts) with the production
 * worker settings (cache, concurrency) and prints one line per fired timer: `fired <lateness ms>`.
 * Arguments: <temporal address> <task queue> <max cached workflows>.
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

async function main() {
  const [address, taskQueue, cached] = process.argv.slice(2);
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: address! });
  const worker = await Worker.create({
    connection,
    taskQueue: taskQueue!,
    workflowsPath: require.resolve('./workflows/synthetic'),
    activities: {
      noop: () => Promise.resolve(),
      timerFired: ({ dueAt }: { id: string; dueAt: string }) => {
        process.stdout.write(`fired ${Date.now() - Date.parse(dueAt)}\n`);
        return Promise.resolve();
      },
    },
    reuseV8Context: true,
    maxCachedWorkflows: Number(cached ?? 1000),
    maxConcurrentWorkflowTaskExecutions: 20,
    maxConcurrentActivityTaskExecutions: 20,
  });
  process.stdout.write('ready\n');
  await worker.run();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
