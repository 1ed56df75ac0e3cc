// Self-signed TLS certificates for tests, made with the openssl command line into a folder.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface TestCertificate {
  keyFile: string;
  certFile: string;
  key: string;
  cert: string;
}

/** A self-signed EC certificate valid for `altNames` ("IP:127.0.0.1", "DNS:localhost"). */
export function selfSignedCertificate(dir: string, name: string, altNames: string[] = ['IP:127.0.0.1']): TestCertificate {
  const keyFile = path.join(dir, `${name}.key.pem`);
  const certFile = path.join(dir, `${name}.cert.pem`);
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', `/CN=${name}`,
    '-addext', `subjectAltName=${altNames.join(',')}`,
  ], { stdio: 'pipe' });
  return { keyFile, certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}
