/**
 * Self-signed server certificates for tests: the web host's openssl wrapper
 * (appliance/web-host/certificate.ts), with the files read back for node's tls servers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { makeSelfSignedCertificate } from '../../appliance/web-host/index.js';

export interface TestCertificate {
  keyFile: string;
  certFile: string;
  key: Buffer;
  cert: Buffer;
}

export interface TestCertificateOptions {
  /** Subject CN and DNS subjectAltName (default localhost). */
  name?: string;
  /** Key type (default rsa: a server's key type decides its TLS 1.2 suites). */
  key?: 'ec' | 'rsa';
  /** File names inside `dir` (default key.pem, cert.pem). */
  keyFile?: string;
  certFile?: string;
}

/** Writes a self-signed certificate and its key into `dir` and returns both. */
export function selfSignedCertificate(dir: string, o: TestCertificateOptions = {}): TestCertificate {
  const keyFile = path.join(dir, o.keyFile ?? 'key.pem');
  const certFile = path.join(dir, o.certFile ?? 'cert.pem');
  makeSelfSignedCertificate({ keyFile, certFile, name: o.name ?? 'localhost', key: o.key ?? 'rsa', days: 2 });
  return { keyFile, certFile, key: readFileSync(keyFile), cert: readFileSync(certFile) };
}
