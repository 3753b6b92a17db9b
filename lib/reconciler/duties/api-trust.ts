/**
 * Tells the REST client's certificate pins what this pass knows: the `api`
 * certificate Secret the desired state names and the certificate the status
 * records as installed (see io/certificate-pins.ts). Every sidecar does it,
 * leader or not, before its first REST request of the pass.
 */
import { DesiredState } from '../../contract/desired-state';
import { CertificatePins } from '../io/certificate-pins';
import { certificateFromSecret } from '../plan/certificate-secrets';
import { StatusDocument } from '../plan/status';
import { DutyContext } from '../runtime/context';

export async function followApiCertificate(ctx: DutyContext, pins: CertificatePins, state: DesiredState, previous: StatusDocument | undefined): Promise<void> {
  const secretName = state.cluster.certificates?.api;
  let declared: string | undefined;
  if (secretName) {
    const read = certificateFromSecret(await ctx.kube.getSecret(secretName), secretName);
    // An unusable Secret pins nothing; the certificates duty reports it.
    if (read.ok) declared = read.certificate;
  }
  const installed = previous?.clusterSettings?.certificates?.find((c) => c.name === 'api' && c.state === 'applied');
  pins.follow(declared, installed?.fingerprintSha256);
}
