import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { reconcilerVersion } from '../../../lib/reconciler/runtime/version';

const root = path.resolve(__dirname, '../../..');
const rootVersion = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;

describe('reconciler --version', () => {
  it('is the version of the construct library release (root package.json)', () => {
    expect(reconcilerVersion()).toBe(rootVersion);
  });

  it('finds the reconciler package.json above the compiled layout (/app/dist/reconciler/runtime in the image)', () => {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'version-'));
    try {
      fs.mkdirSync(path.join(app, 'dist/reconciler/runtime'), { recursive: true });
      fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'cdk8s-redis-enterprise-reconciler', version: '9.8.7' }));
      expect(reconcilerVersion(path.join(app, 'dist/reconciler/runtime'))).toBe('9.8.7');
    } finally {
      fs.rmSync(app, { recursive: true, force: true });
    }
  });

  it('names the package it looked for when there is none', () => {
    expect(() => reconcilerVersion('/')).toThrow(/no package.json of cdk8s-redis-enterprise-reconciler above \//);
  });
});
