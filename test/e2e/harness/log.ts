/** Progress lines of the harness, on stderr (jest shows them even while it renders its reporter). */
export function harnessLog(msg: string): void {
  process.stderr.write(`[e2e-harness] ${msg}\n`);
}
