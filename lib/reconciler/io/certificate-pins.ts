/**
 * Which certificate the REST API of this pod's node may present, when no CA
 * file is configured (REDIS_ENTERPRISE_API_CA_FILE). The reconciler pins
 * exact certificates (SHA-256 of the leaf), never "anything":
 *
 * - **Declared**: the `api` certificate Secret the desired state names. Its
 *   certificate is pinned in every pass that reads the Secret; when the node
 *   presents the newest declared certificate, every other pin is dropped, so
 *   a node serving an older or self-signed certificate again is refused.
 *   During a rotation the old and the new declared certificates are both
 *   pinned until the node presents the new one: there is a window in which a
 *   sidecar that has not read the new Secret yet refuses the node (and
 *   retries), never one in which it trusts an unknown certificate.
 * - **Recorded**: the fingerprint of the `api` certificate the status
 *   records as installed. A restarted sidecar has no PEM for it, so the first
 *   handshake (a probe: no request, no credentials) accepts the presented
 *   certificate if and only if its fingerprint is the recorded one.
 * - **First use**, bounded: a new node serves a self-signed certificate that
 *   Redis Enterprise generated at its first start and that nothing outside
 *   the node knows. The first handshake of a process (the probe) pins what
 *   it sees, unless the status records an installed `api` certificate (then
 *   only that one, or a declared one, is accepted). First use is over after
 *   that one probe: a different certificate later is refused until a
 *   declared one replaces it. Declaring an `api` certificate Secret is how an
 *   operator removes the first-use window from every restart once the
 *   certificate is installed.
 */
import { X509Certificate } from 'node:crypto';

export type ProbeOutcome = 'pinned' | 'recorded' | 'first-use' | 'unknown';

export class CertificatePins {
  /** fingerprint → PEM (the PEM is the trust anchor handed to TLS). */
  private readonly pins = new Map<string, string>();
  /** Recorded fingerprints without a PEM yet: the probe resolves them. */
  private readonly expected = new Set<string>();
  private latestDeclared?: string;
  private firstUseOpen = true;
  private settled = false;
  /** Bumped on every change: the client makes a new agent for a new pin set. */
  version = 0;

  /** False until {@link follow} ran once: before, nothing is trusted (and nothing is asked). */
  get ready(): boolean { return this.settled; }
  /** A handshake-only probe is due: the first of the process, or a recorded fingerprint to resolve. */
  get needsProbe(): boolean { return this.settled && (this.firstUseOpen || this.expected.size > 0); }
  get anchors(): string[] { return [...this.pins.values()]; }
  get fingerprints(): string[] { return [...this.pins.keys()]; }

  /**
   * What the desired state and the status say, once per pass: the declared
   * `api` certificate (PEM, if any) and the fingerprint the status records as installed.
   */
  follow(declaredPem: string | undefined, recordedFingerprint: string | undefined): void {
    this.settled = true;
    if (recordedFingerprint) {
      this.firstUseOpen = false;
      if (!this.pins.has(recordedFingerprint) && recordedFingerprint !== this.latestDeclared) this.expected.add(recordedFingerprint);
    }
    if (!declaredPem) return;
    const fp = new X509Certificate(declaredPem).fingerprint256;
    this.latestDeclared = fp;
    if (!this.pins.has(fp)) this.change(() => this.pins.set(fp, declaredPem));
  }

  /** The certificate a probe saw: accepted if pinned or recorded, or (once) on first use; otherwise left to TLS to refuse. */
  probed(pem: string): { fingerprint: string; outcome: ProbeOutcome } {
    const fingerprint = new X509Certificate(pem).fingerprint256;
    let outcome: ProbeOutcome = 'unknown';
    if (this.pins.has(fingerprint)) outcome = 'pinned';
    else if (this.expected.has(fingerprint)) outcome = 'recorded';
    else if (this.firstUseOpen) outcome = 'first-use';
    if (outcome === 'recorded' || outcome === 'first-use') this.change(() => this.pins.set(fingerprint, pem));
    this.firstUseOpen = false;
    this.expected.clear();
    return { fingerprint, outcome };
  }

  /** Checks a presented leaf certificate; an error names the fingerprints, nothing secret. */
  check(presentedFingerprint: string): Error | undefined {
    if (!this.pins.has(presentedFingerprint)) {
      return new Error(`REST API certificate ${presentedFingerprint} is not a pinned one (${this.fingerprints.join(', ') || 'none'})`);
    }
    // The node serves the newest declared certificate: nothing older is accepted again.
    if (presentedFingerprint === this.latestDeclared && this.pins.size > 1) {
      this.change(() => { for (const fp of [...this.pins.keys()]) if (fp !== presentedFingerprint) this.pins.delete(fp); });
    }
    return undefined;
  }

  private change(fn: () => void): void {
    fn();
    this.version++;
  }
}

/** PEM of a DER certificate. */
export function pemOf(der: Buffer): string {
  const b64 = der.toString('base64').match(/.{1,64}/g)!.join('\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}
