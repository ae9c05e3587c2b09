// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect API first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import {
  X509Certificate,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  webcrypto,
} from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOnce } from './files.js';

/** Ten years, like the root Caddy makes for itself; Caddy issues short-lived leaves from it. */
const ROOT_LIFETIME_MS = 10 * 365 * 24 * 3600 * 1000;
const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;

export interface LocalCa {
  certPath: string;
  keyPath: string;
  certPem: string;
  /** SHA-256 of the DER certificate, colon-separated upper-case hex (what browsers show). */
  sha256: string;
  created: boolean;
  /** Taken over from an existing Caddy data volume (phones that trusted it keep trusting it). */
  adopted: boolean;
}

async function selfSignedRoot(keyPem: string): Promise<string> {
  const privateKey = createPrivateKey(keyPem);
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  const subtle = webcrypto.subtle;
  const keys = {
    privateKey: await subtle.importKey('pkcs8', pkcs8, ALGORITHM, false, ['sign']),
    publicKey: await subtle.importKey('spki', spki, ALGORITHM, true, ['verify']),
  };
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      name: 'CN=Dialtone Local CA',
      notBefore: new Date(now - 3600 * 1000),
      notAfter: new Date(now + ROOT_LIFETIME_MS),
      signingAlgorithm: ALGORITHM,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 1, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, webcrypto),
      ],
    },
    webcrypto,
  );
  return cert.toString('pem') + '\n';
}

/**
 * The root CA Caddy issues the HTTPS certificate from (Caddyfile: pki root cert/key), in `dir`:
 * created once (an EC P-256 key, mode 0600, and its self-signed certificate), never replaced. Made
 * here rather than by Caddy so that it exists, with its fingerprint, before any service starts.
 * A root Caddy made earlier (`adoptFrom`, its data volume's pki/authorities/local) is taken over.
 */
export async function ensureLocalCa(dir: string, adoptFrom?: string): Promise<LocalCa> {
  const keyPath = join(dir, 'root.key');
  const certPath = join(dir, 'root.crt');
  let adopted = false;
  if (adoptFrom !== undefined && !existsSync(keyPath) && !existsSync(certPath)) {
    const theirKey = join(adoptFrom, 'root.key');
    const theirCert = join(adoptFrom, 'root.crt');
    if (existsSync(theirKey) && existsSync(theirCert)) {
      createOnce(certPath, () => readFileSync(theirCert, 'utf8'));
      createOnce(keyPath, () => readFileSync(theirKey, 'utf8'));
      adopted = true;
    }
  }
  const key = createOnce(keyPath, () =>
    generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .privateKey.export({ type: 'sec1', format: 'pem' })
      .toString(),
  );
  let created = key.created;
  let certPem: string;
  if (existsSync(certPath)) {
    certPem = readFileSync(certPath, 'utf8');
  } else {
    const pem = await selfSignedRoot(key.value);
    certPem = createOnce(certPath, () => pem).value;
    created = true;
  }
  const sha256 = new X509Certificate(certPem).fingerprint256;
  return { certPath, keyPath, certPem, sha256, created, adopted };
}
