/**
 * The worker of the update-ordering reproduction, started (and `kill -9`ed) by drive.ts in its own process group.
 * It loads a prebuilt workflow bundle so that a restart takes about a second, and prints READY once it can poll.
 *
 *   npx tsx test/chaos/update-ordering/worker.ts --address 127.0.0.1:17233 --task-queue q --bundle /tmp/x/bundle.js
 */
import { parseArgs } from 'node:util';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from './activities';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      address: { type: 'string', default: '127.0.0.1:17233' },
      'task-queue': { type: 'string', default: 'update-ordering' },
      bundle: { type: 'string' },
    },
  });
  if (!values.bundle) throw new Error('--bundle is required');
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: values.address });
  const worker = await Worker.create({
    connection,
    taskQueue: values['task-queue'],
    workflowBundle: { codePath: values.bundle },
    activities,
  });
  console.log('READY');
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
