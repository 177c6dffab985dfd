/** `npm run build:workflows`: writes the workflow bundle that workers load with WORKFLOW_BUNDLE_PATH. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildWorkflowBundle } from './worker';

async function main() {
  const out = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const { code } = await buildWorkflowBundle();
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, code);
  console.log(`wrote ${out} (${Math.round(code.length / 1024)} KiB)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
