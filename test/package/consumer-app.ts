/**
 * A fresh cdk8s TypeScript app, laid out as `cdk8s init typescript-app`
 * makes one (package.json, cdk8s.yaml running `npx ts-node main.ts`, the
 * template's tsconfig), with the packed tarball installed from a file and
 * everything else from the npm registry.
 *
 * Versions are pinned to those of our package-lock (cdk8s-cli, absent there,
 * to a fixed one). npm's cache lives outside the work tree, keyed by those
 * versions: once an install succeeded, later runs install offline.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './pack';
import { run, RunResult } from './run';

/** Not a dependency of ours, so not in package-lock; the newest release when this test was written. */
const CDK8S_CLI_VERSION = '2.207.60';
const RUNTIME_DEPS = ['cdk8s', 'cdk8s-plus-28', 'constructs'];
const DEV_DEPS = ['ts-node', 'typescript', '@types/node'];

function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package-lock.json'), 'utf8'));
  const version = lock.packages?.[`node_modules/${name}`]?.version;
  if (typeof version !== 'string') throw new Error(`${name} is not in package-lock.json; the package test pins its version from there`);
  return version;
}

export function pinnedVersions(): Record<string, string> {
  return Object.fromEntries([...RUNTIME_DEPS, ...DEV_DEPS].map((n) => [n, lockedVersion(n)]).concat([['cdk8s-cli', CDK8S_CLI_VERSION]]));
}

export function cacheDir(): string {
  const key = createHash('sha256').update(JSON.stringify(pinnedVersions())).digest('hex').slice(0, 16);
  const root = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(root, 'cdk8s-redis-enterprise', 'npm-package-test', key);
}

/** Written after an install succeeded: the cache then holds every package of the app. */
export function cacheIsWarm(): boolean {
  return fs.existsSync(path.join(cacheDir(), 'complete'));
}

const FIXTURES = path.join(__dirname, 'consumer-app');

export function createConsumerApp(appDir: string, tarball: string): void {
  fs.mkdirSync(appDir, { recursive: true });
  for (const f of fs.readdirSync(FIXTURES)) fs.copyFileSync(path.join(FIXTURES, f), path.join(appDir, f));
  const pins = pinnedVersions();
  const pick = (names: string[]) => Object.fromEntries(names.map((n) => [n, pins[n]]));
  const manifest = {
    name: 'consumer-app',
    version: '1.0.0',
    private: true,
    dependencies: { ...pick(RUNTIME_DEPS), 'cdk8s-redis-enterprise': `file:${tarball}` },
    devDependencies: { ...pick(DEV_DEPS), 'cdk8s-cli': pins['cdk8s-cli'] },
  };
  fs.writeFileSync(path.join(appDir, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
}

/** `npm install` of the app: offline from a warm cache, else from the registry (filling the cache). */
export async function installConsumerApp(appDir: string): Promise<RunResult> {
  const cache = path.join(cacheDir(), 'npm-cache');
  const install = (mode: string) => run('npm', ['install', mode, '--cache', cache, '--no-audit', '--no-fund', '--loglevel=error'], appDir);
  let result = cacheIsWarm() ? await install('--offline') : { code: -1, stdout: '', stderr: '' };
  if (result.code !== 0) result = await install('--prefer-offline');
  if (result.code === 0) fs.writeFileSync(path.join(cacheDir(), 'complete'), `${JSON.stringify(pinnedVersions())}\n`);
  return result;
}

/** The one way to skip the install tests: `PACKAGE_SKIP=1`, an explicit opt-out (a missing registry never skips them). */
export const PACKAGE_SKIP_ENV = 'PACKAGE_SKIP';

/**
 * Why the install tests are skipped, or undefined when they run: only when
 * PACKAGE_SKIP=1 asks for it. Without the registry and a warm cache they run
 * and fail, on CI or not, so a run that could not check the package is never green.
 */
export function installSkipReason(): string | undefined {
  return process.env[PACKAGE_SKIP_ENV] === '1' ? `${PACKAGE_SKIP_ENV}=1 asked to skip them` : undefined;
}
