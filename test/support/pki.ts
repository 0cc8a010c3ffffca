// Test PKI made with the real `openssl` binary: a CA, server certificates signed by it, and
// self-signed signing certificates (for registry bearer tokens). Nothing is checked in.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function openssl(args: readonly string[], cwd: string): Promise<void> {
  await run('openssl', [...args], { cwd });
}

export interface TestCa {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
}

export interface TestCert {
  readonly certFile: string;
  readonly keyFile: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/** A self-signed EC P-256 CA in `dir` (files `<name>.crt`, `<name>.key`). */
export async function createCa(dir: string, name = 'ca', commonName = 'Bosun Test CA'): Promise<TestCa> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      `/CN=${commonName}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}

/** A server certificate for `127.0.0.1`/`localhost` (or the given SANs) signed by `ca`. */
export async function createServerCert(
  dir: string,
  ca: TestCa,
  options: { name?: string; sans?: readonly string[] } = {},
): Promise<TestCert> {
  const name = options.name ?? 'server';
  const sans = options.sans ?? ['IP:127.0.0.1', 'IP:::1', 'DNS:localhost'];
  const keyFile = join(dir, `${name}.key`);
  const csrFile = join(dir, `${name}.csr`);
  const certFile = join(dir, `${name}.crt`);
  const extFile = join(dir, `${name}.ext`);
  await openssl(
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csrFile,
      '-subj',
      '/CN=localhost',
    ],
    dir,
  );
  await writeFile(
    extFile,
    [
      `subjectAltName=${sans.join(',')}`,
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      '2',
      '-extfile',
      extFile,
    ],
    dir,
  );
  return {
    certFile,
    keyFile,
    certPem: await readFile(certFile, 'utf8'),
    keyPem: await readFile(keyFile, 'utf8'),
  };
}

/** A self-signed EC P-256 certificate used to sign JWTs (ES256); trusted by listing it as a root. */
export async function createSigningCert(dir: string, name = 'token-signer'): Promise<TestCert> {
  const keyFile = join(dir, `${name}.key`);
  const certFile = join(dir, `${name}.crt`);
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=Bosun Test Token Signer',
    ],
    dir,
  );
  return {
    certFile,
    keyFile,
    certPem: await readFile(certFile, 'utf8'),
    keyPem: await readFile(keyFile, 'utf8'),
  };
}

/** DER bytes of the first certificate in a PEM string, base64 (standard alphabet), as JWT `x5c` wants. */
export function pemToX5c(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error('no certificate in PEM');
  return match[1].replace(/\s+/g, '');
}
