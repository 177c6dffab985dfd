/**
 * Issue 10, item 5: a bad deploy is caught by the replay gate before it runs. A copy of the real workflow code gets
 * a deliberately non-deterministic change (a new timer at the start of `applicationWorkflow`, without `patched()`),
 * is bundled with the same `bundleWorkflowCode` the worker uses, and replayed against the baseline histories in
 * test/replay/: the gate (`Worker.runReplayHistories`) fails with a non-determinism error for every recorded
 * applicationWorkflow history, while the unchanged code replays them all. The copy lives in a scratch folder inside
 * the project (so the bundler resolves `@temporalio/workflow` from node_modules) and is removed afterwards.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../../platform/codec';
import { workflowBundle } from '../support/context';

jest.setTimeout(300_000);

const ROOT = resolve(__dirname, '..', '..');
const REPLAY = join(ROOT, 'test', 'replay');

interface RecordedHistory {
  events: Array<{ workflowExecutionStartedEventAttributes?: { workflowType?: { name?: string } } }>;
}
const read = (file: string) => JSON.parse(readFileSync(join(REPLAY, file), 'utf8')) as RecordedHistory;

// The baseline's applicationWorkflow histories (the change below is in that workflow), by their first event.
const files = readdirSync(REPLAY).filter(
  (f) =>
    f.endsWith('.json') &&
    read(f).events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name === 'applicationWorkflow',
);
const histories = () => files.map((file) => ({ workflowId: file, history: historyFromJSON(read(file)) }));

async function replay(bundle: { code: string } | { codePath: string }) {
  const failures: Array<{ workflowId: string; error: string }> = [];
  let replayed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle }, histories())) {
    replayed++;
    if (result.error)
      failures.push({ workflowId: result.workflowId, error: `${result.error.name}: ${result.error.message}` });
  }
  return { replayed, failures };
}

/** The first line after the case is opened: the bad timer goes right after it, before any other command. */
const ANCHOR = '  const ctx = new CaseContext(input, state, opening);';

test('the replay gate passes the unchanged workflow code on the recorded case histories', async () => {
  expect(files.length).toBeGreaterThanOrEqual(20);
  const { replayed, failures } = await replay(workflowBundle());
  expect(failures).toEqual([]);
  expect(replayed).toBe(files.length);
});

test('a non-deterministic change (a new timer without patched()) fails the replay gate with a non-determinism error', async () => {
  const scratch = mkdtempSync(join(ROOT, '.bad-deploy-'));
  try {
    cpSync(join(ROOT, 'workflows'), join(scratch, 'workflows'), { recursive: true });
    cpSync(join(ROOT, 'domain'), join(scratch, 'domain'), { recursive: true });
    const file = join(scratch, 'workflows', 'application-workflow.ts');
    const source = readFileSync(file, 'utf8');
    expect(source).toContain(ANCHOR); // the change below is made where the test expects it
    writeFileSync(
      file,
      "import { sleep as badDeploySleep } from '@temporalio/workflow';\n" +
        source.replace(
          ANCHOR,
          `${ANCHOR}\n  await badDeploySleep('1 second'); // the bad deploy: a new command, no patched()`,
        ),
    );
    const bad = await bundleWorkflowCode({
      workflowsPath: join(scratch, 'workflows', 'index.ts'),
      failureConverterPath: FAILURE_CONVERTER_PATH,
      logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
    const { replayed, failures } = await replay(bad);
    expect(replayed).toBe(files.length);
    expect(failures.map((f) => f.workflowId).sort()).toEqual([...files].sort());
    for (const f of failures) expect(f.error).toMatch(/DeterminismViolationError|[Nn]ondeterminism/);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
