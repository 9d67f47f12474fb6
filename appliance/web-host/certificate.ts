import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CertificateError } from './errors.js';

export interface CertificateOptions {
  keyFile: string;
  certFile: string;
  /** Subject CN and DNS subjectAltName (default localhost). */
  name?: string;
  /** IP subjectAltNames (e.g. 127.0.0.1), so clients that check the address accept it. */
  ips?: string[];
  /** P-256 ECDSA (default) or RSA 2048: the key type decides the TLS 1.2 suites a server offers. */
  key?: 'ec' | 'rsa';
  /** Validity in days (default 2). */
  days?: number;
}

/**
 * Writes a self-signed server certificate and its unencrypted key with openssl req. The
 * subjectAltName is set because clients match the host name against it, not the CN (RFC 6125
 * §6.4.4); basicConstraints CA:FALSE marks it as an end-entity certificate.
 */
export function makeSelfSignedCertificate(o: CertificateOptions): void {
  const name = o.name ?? 'localhost';
  const newkey =
    o.key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
  const args = ['req', '-x509', ...newkey, '-nodes', '-days', String(o.days ?? 2), '-subj', `/CN=${name}`];
  const san = [`DNS:${name}`, ...(o.ips ?? []).map((ip) => `IP:${ip}`)].join(',');
  args.push('-addext', `subjectAltName=${san}`, '-addext', 'basicConstraints=CA:FALSE');
  args.push('-keyout', o.keyFile, '-out', o.certFile);
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new CertificateError(
      o.certFile,
      (e.stderr?.toString('utf8').trim() || e.message).split('\n')[0],
      err,
    );
  }
}

/** True when `certFile` exists, parses, and is still valid `seconds` from now (openssl x509 -checkend). */
export function certificateValidFor(certFile: string, seconds: number): boolean {
  if (!existsSync(certFile)) return false;
  try {
    execFileSync('openssl', ['x509', '-in', certFile, '-noout', '-checkend', String(seconds)], {
      stdio: 'ignore',
    });
    return true;
  } catch {
    return false;
  }
}
