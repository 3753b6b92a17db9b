import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { expectSchemaValid } from '../support/schema';

const examplesDir = path.join(__dirname, '..', '..', 'examples');
const examples = fs.readdirSync(examplesDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ name: path.basename(f, '.ts'), module: require(path.join(examplesDir, f)) }))
  .filter((e) => typeof e.module.synth === 'function');

/** Synthesizes an example into a fresh directory; returns file name → content. */
function synthExample(example: { module: { synth(outdir: string): void } }): Map<string, string> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-'));
  try {
    example.module.synth(outdir);
    const files = (fs.readdirSync(outdir, { recursive: true }) as string[]).filter((f) => f.endsWith('.yaml')).sort();
    return new Map(files.map((f) => [f, fs.readFileSync(path.join(outdir, f), 'utf8')]));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

test('examples/manifests holds one directory per example with a synth(), and nothing else', () => {
  expect(fs.readdirSync(path.join(examplesDir, 'manifests')).sort()).toEqual(examples.map((e) => e.name).sort());
});

describe.each(examples)('example $name', (example) => {
  const first = synthExample(example);

  test('synthesizes byte-identical YAML twice (determinism)', () => {
    expect(first.size).toBeGreaterThan(0);
    const second = synthExample(example);
    expect([...second.entries()]).toEqual([...first.entries()]);
  });

  test('matches the committed manifests in examples/manifests (run `npm run synth` after a change)', () => {
    const committed = path.join(examplesDir, 'manifests', example.name);
    // The same set of files: a committed manifest synthesis no longer produces is stale, not kept.
    const committedFiles = (fs.readdirSync(committed, { recursive: true }) as string[])
      .filter((f) => fs.statSync(path.join(committed, f)).isFile()).sort();
    expect(committedFiles).toEqual([...first.keys()]);
    for (const [file, content] of first) {
      expect(fs.readFileSync(path.join(committed, file), 'utf8')).toBe(content);
    }
  });


  test('every object is schema-valid', () => {
    expectSchemaValid([...first.values()].flatMap((c) => yaml.loadAll(c)));
  });

  test('holds no secret values: no Secret objects, no literal credentials in env or data', () => {
    const objects = [...first.values()].flatMap((c) => yaml.loadAll(c)) as any[];
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const text = [...first.values()].join('\n');
    expect(text).not.toMatch(/password\s*[:=]\s*\S/i);
    expect(text).not.toMatch(/BEGIN (RSA |EC )?PRIVATE KEY/);
    for (const o of objects) {
      const containers = o.spec?.template?.spec?.containers ?? [];
      for (const c of containers) {
        for (const e of c.env ?? []) {
          if (/PASS|SECRET|TOKEN|KEY/i.test(e.name)) expect(e.value).toBeUndefined();
        }
      }
    }
  });
});
