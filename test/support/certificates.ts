/**
 * Throwaway X.509 material for TLS tests: a small certificate authority and certificates it
 * signs, made with the `openssl` CLI in a temporary directory (node:crypto cannot sign X.509).
 * P-256 keys, valid for one day.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A certificate and its key, as files and as PEM text. */
export interface CertificateFiles {
  certPath: string;
  keyPath: string;
  cert: string;
  key: string;
  /** SHA-256 fingerprint as node's X509Certificate and tls peer certificates report it. */
  fingerprint: string;
}

export interface TestCa extends CertificateFiles {
  /**
   * Issues a certificate for `subjectAltName` entries (e.g. `IP:127.0.0.1`, `DNS:core`).
   * `usage` sets the extended key usage a TLS peer checks (RFC 5280 §4.2.1.12).
   */
  issue(name: string, opts: { altNames: string[]; usage: 'server' | 'client' | 'server and client' }): CertificateFiles;
}

const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });

function files(dir: string, name: string): CertificateFiles {
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}-key.pem`);
  const cert = readFileSync(certPath, 'utf8');
  return { certPath, keyPath, cert, key: readFileSync(keyPath, 'utf8'), fingerprint: new X509Certificate(cert).fingerprint256 };
}

/** Creates a CA named `name` in `dir` (its files are `<name>.pem` and `<name>-key.pem`). */
export function createTestCa(dir: string, name: string): TestCa {
  openssl([
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-keyout', join(dir, `${name}-key.pem`), '-out', join(dir, `${name}.pem`), '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const ca = files(dir, name);
  return {
    ...ca,
    issue(leaf, { altNames, usage }) {
      const csr = join(dir, `${leaf}.csr`);
      const ext = join(dir, `${leaf}.ext`);
      openssl([
        'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
        '-keyout', join(dir, `${leaf}-key.pem`), '-out', csr, '-subj', `/CN=${leaf}`,
      ]);
      writeFileSync(
        ext,
        [
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          `extendedKeyUsage=${{ server: 'serverAuth', client: 'clientAuth', 'server and client': 'serverAuth,clientAuth' }[usage]}`,
          ...(altNames.length > 0 ? [`subjectAltName=${altNames.join(',')}`] : []),
        ].join('\n'),
      );
      openssl([
        'x509', '-req', '-in', csr, '-CA', ca.certPath, '-CAkey', ca.keyPath, '-CAcreateserial',
        '-days', '1', '-sha256', '-extfile', ext, '-out', join(dir, `${leaf}.pem`),
      ]);
      return files(dir, leaf);
    },
  };
}
