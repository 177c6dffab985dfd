#!/usr/bin/env node
// Runs `prisma generate` on machines without internet (npm's postinstall). The Prisma CLI wants to download its
// schema-engine binary first, though `generate` never runs it; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing
// executable skips the download (shared/notes/prisma-offline.md). The generated client itself needs no engine.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
