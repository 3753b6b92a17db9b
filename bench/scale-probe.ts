/**
 * Child-process entry point of the scale benchmark: `scale-probe.ts <module>
 * <export> <n>` warms the code with n=1, then times one `<export>(n)` and
 * prints JSON { ms, peakRssMiB, rssBeforeMiB, yamlMiB }: the peak is the
 * kernel's high-water mark of this process (VmHWM), so it is the whole
 * synthesis's footprint, garbage included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const [modulePath, exportName, nArg] = process.argv.slice(2);
const fn = require(path.resolve(modulePath))[exportName] as (n: number) => { yaml: string };
fn(1);
const mib = (b: number) => b / 2 ** 20;
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const { yaml } = fn(Number(nArg));
const ms = performance.now() - t0;
const hwm = Number(/^VmHWM:\s+(\d+) kB$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
process.stdout.write(JSON.stringify({ ms, peakRssMiB: mib(hwm), rssBeforeMiB: mib(rssBefore), yamlMiB: mib(Buffer.byteLength(yaml)) }));
