// ESLint (typescript-eslint, type-aware). Workflows and the pure domain code they import must be deterministic:
// no Node built-ins, no Prisma, no value imports of activities or the API, no floating promises.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'prisma/generated/',
      'dist/',
      'web/dist/',
      'coverage/',
      '.data/',
      // The Python tools' virtual environment (Temporal CLI, Schemathesis), whose packages ship JavaScript of their own.
      '.venv/',
      'scripts/',
      'eslint.config.mjs',
      'jest.config.js',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through platform/env.ts.' },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['**/prisma/**', '@prisma/*'], message: 'Workflows never touch the database; use an activity.' },
            {
              group: ['**/activities', '**/activities/**'],
              allowTypeImports: true,
              message: 'Import activities as types only (proxyActivities).',
            },
            { group: ['**/api/**', '**/platform/**'], message: 'Workflows must not import the API or platform code.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity', '@temporalio/testing'],
              message: 'Only @temporalio/workflow and @temporalio/common run in workflows.',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() or condition() from @temporalio/workflow.' },
        { name: 'setInterval', message: 'Use sleep() in a loop.' },
      ],
    },
  },
  {
    // The API's data access: no Temporal, no activities, no Express (api/ calls it; activities may share its helpers).
    files: ['repositories/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@temporalio/*'], message: 'Repositories are plain data access: no Temporal.' },
            {
              group: ['**/activities', '**/activities/**', '**/api/**', 'express'],
              message: 'Repositories import only domain/ and prisma/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The route contract is imported by the console: zod and the vocabulary only (test/api/contract.test.ts too).
    files: ['api/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@temporalio/*', 'express', '@prisma/*', '**/prisma/**', '**/activities/**', '**/platform/**'],
              allowTypeImports: true,
              message: 'The contract imports no server code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['platform/env.ts', 'test/**/*.ts', 'jest.config.ts', 'prisma.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Issue 9 console: pages show the API's JSON answers as read (the API validates and decides); the browser code
    // may use DOM globals and reads no configuration.
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
