// The serving certificate and key, re-read when the files change (cert-manager or a Secret
// rotation). A pair that fails to load keeps the previous context.
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { createHash } from 'node:crypto';

export interface TlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
}

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly fingerprint: string;
}

/** Reads and checks a certificate/key pair (createSecureContext fails on a mismatched pair). */
export async function readTlsMaterial(files: TlsFiles): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(files.certFile, 'utf8'), readFile(files.keyFile, 'utf8')]);
  createSecureContext({ cert, key });
  return { cert, key, fingerprint: createHash('sha256').update(cert).update('\0').update(key).digest('hex') };
}
