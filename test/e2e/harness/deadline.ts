/**
 * A bound on one call of the test's Kubernetes client. A response cut off
 * after its headers (an API server restart, the client closed while a watch
 * window is open) never settles the call; harness loops that must go on
 * (the prober, the pod history) bound each call instead of hanging.
 */
export function withDeadline<T>(call: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no complete answer within ${ms} ms`)), ms);
  });
  return Promise.race([call, late]).finally(() => clearTimeout(timer));
}
