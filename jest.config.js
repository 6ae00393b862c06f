/**
 * Jest in native ESM mode (run through `node --experimental-vm-modules`).
 * Test files run in parallel; each one gets its own database and BullMQ prefix
 * through tests/support (see there).
 * @type {import('jest').Config}
 */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  testMatch: ['<rootDir>/tests/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/tests/fixtures/'],
  testTimeout: 60_000,
  maxWorkers: 2,
};
