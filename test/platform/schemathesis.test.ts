/**
 * The contract proved by a client nobody here wrote (issue: one contract): `npm run schemathesis` starts the whole
 * system as `npm start` does and runs Schemathesis against its OpenAPI document with a staff token, bounded. Every
 * operation is tested; no answer may be a 5xx, carry an undocumented status, or break its declared schema.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ROUTES } from '../../api/contract';

const root = path.resolve(__dirname, '../..');

test('Schemathesis finds no server error, undocumented status or schema violation in any operation', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schemathesis.ts', '--max-time', '150'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}${path.delimiter}${path.join(root, '.venv', 'bin')}` },
    timeout: 540_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const operations = /Operations:\s+(\d+) selected \/ (\d+) total/.exec(out);
  expect([run.status, operations?.[1], operations?.[2]]).toEqual([0, String(ROUTES.length), String(ROUTES.length)]);
}, 600_000);
