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
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/schemathesis.ts', '--max-time', '200'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${process.env.PATH ?? ''}${path.delimiter}${path.join(root, '.venv', 'bin')}` },
    timeout: 540_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const [, selected, total] = /Selected: (\d+)\/(\d+)/.exec(out) ?? [];
  const [, tested] = /Tested: (\d+)/.exec(out) ?? [];
  const [, generated, passed] = /(\d+) generated, (\d+) passed/.exec(out) ?? [];
  expect(run.status).toBe(0);
  // Every operation of the document (Schemathesis leaves out the document's own GET /openapi.json).
  expect([selected, tested]).toEqual([total, total]);
  expect(Number(total)).toBe(ROUTES.length - 1);
  expect(Number(generated)).toBeGreaterThan(1000);
  expect(passed).toBe(generated);
}, 600_000);
