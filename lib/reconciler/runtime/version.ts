/**
 * The reconciler's version: the `version` of its package.json, which is the
 * release of the construct library it belongs to (tools/build-image.sh checks
 * that they are equal, and tags the image with it).
 */
import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'cdk8s-redis-enterprise-reconciler';

/**
 * Read at run time, not imported: the package.json sits at a different depth
 * from the sources (lib/reconciler/runtime) than from the compiled files
 * (lib/reconciler/dist/reconciler/runtime, /app/dist/... in the image).
 */
export function reconcilerVersion(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version) return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of ${PACKAGE_NAME} above ${from}`);
  }
}
