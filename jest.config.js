/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // ESM-only packages jest must transform (Node itself can require() them).
  transformIgnorePatterns: [
    '/node_modules/(?!(meilisearch|jose|marked|feed|ical-generator|file-type|strtok3|token-types|uint8array-extras|@tokenizer|@borewit)/)',
  ],
  // PGlite cannot start inside jest's module sandbox: the embedded database (or a fresh PostgreSQL database per
  // worker) is prepared here, in the parent process, and handed to the workers through the environment.
  setupFiles: ['reflect-metadata'],
  // file-type exports only `import` conditions, which jest's resolver does not take: point it at the Node entry.
  moduleNameMapper: { '^file-type$': '<rootDir>/node_modules/file-type/index.js' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30000,
};
