/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest'] },
  // ESM-only packages are compiled to CommonJS for jest's sandbox (Node runs them natively).
  transformIgnorePatterns: ['/node_modules/(?!(meilisearch|jose)/)'],
  // PGlite cannot start inside jest's module sandbox: the embedded database (or a fresh PostgreSQL database per
  // worker) is prepared here, in the parent process, and handed to the workers through the environment.
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  maxWorkers: 2,
  testTimeout: 30000,
};
