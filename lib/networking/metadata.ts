import type { ExposureContext } from './exposure-context';

/** Plain object metadata, accepted by both the k8s L1s and the imported CRD L1s. */
export interface NetworkingObjectMeta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: { [key: string]: string };
  readonly annotations?: { [key: string]: string };
}

/**
 * Metadata of a generated networking object: the context's labels, the
 * user's annotations, then the library's own annotations last so that they
 * always win (validation reports a user annotation that tries to change them).
 */
export function objectMeta(ctx: ExposureContext, name: string, libraryAnnotations: { [key: string]: string } = {},
  withUserAnnotations = true): NetworkingObjectMeta {
  const annotations = { ...(withUserAnnotations ? ctx.access.annotations : undefined), ...libraryAnnotations };
  return {
    name,
    namespace: ctx.namespace,
    labels: { ...ctx.labels },
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}
