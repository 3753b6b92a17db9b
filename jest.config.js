// Four projects: `unit` (pure synthesis, fast), `package` (the packed tarball
// in a fresh cdk8s app), `e2e` (a real Kubernetes control plane of the newest
// supported minor, built from Go modules, started once per run by
// globalSetup) and `e2e-oldest` (the same harness on the oldest supported
// minor, for the tests whose behaviour depends on the Kubernetes version).
// `globals.E2E_PLANE` names the wrapper module in tools/.
const tsJest = ['ts-jest', { tsconfig: 'test/tsconfig.json' }];

// jest runs a globalSetup/globalTeardown file once per path even when several
// projects name it, so each plane's project has its own pair of files.
function e2eProject(displayName, plane, hooksSuffix, testMatch) {
  return {
    displayName,
    testEnvironment: 'node',
    transform: { '^.+\\.ts$': tsJest },
    testMatch,
    globals: { E2E_PLANE: plane },
    globalSetup: `<rootDir>/test/e2e/harness/global-setup${hooksSuffix}.ts`,
    globalTeardown: `<rootDir>/test/e2e/harness/global-teardown${hooksSuffix}.ts`,
    // Per-test timeouts are set by describeE2E (jest 29 ignores testTimeout inside a project).
  };
}

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
    e2eProject('e2e', 'k8s', '', ['<rootDir>/test/e2e/**/*.test.ts']),
    e2eProject('e2e-oldest', 'k8s-1.30', '-oldest', ['<rootDir>/test/e2e/cluster.test.ts', '<rootDir>/test/e2e/rack-awareness.test.ts']),
  ],
  // One worker keeps a 2-core machine responsive while the control planes run.
  maxWorkers: 1,
};
