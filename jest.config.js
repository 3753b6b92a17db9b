// Three projects: `unit` (pure synthesis, fast), `package` (the packed
// tarball in a fresh cdk8s app) and `e2e` (a real Kubernetes
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
      // npm pack of a fresh build installed into a new cdk8s app (needs the npm registry or a warm cache).
      displayName: 'package',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/package/**/*.test.ts'],
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
