// Two projects: `unit` (pure synthesis, fast) and `e2e` (a real Kubernetes
// control plane built from Go modules, started once per run by globalSetup).
const tsJest = ['ts-jest', { tsconfig: 'test/tsconfig.json' }];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'e2e',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/harness/global-setup.ts',
      globalTeardown: '<rootDir>/test/e2e/harness/global-teardown.ts',
      // Per-test timeouts are set by describeE2E (jest 29 ignores testTimeout inside a project).
    },
  ],
  // One worker keeps a 2-core machine responsive while the control plane runs.
  maxWorkers: 1,
};
