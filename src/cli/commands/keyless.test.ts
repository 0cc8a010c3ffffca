// The keyless flags of `bosun sign`, `verify` and `verify-attestation`: a flag table (127.0.0.1:1
// refuses connections, so exit 3 means every local check passed), then round trips on a real
// registry with @sigstore/mock's Fulcio and Rekor on 127.0.0.1 and a trusted root file for them.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { OciBlobs } from '../../../test/builders/oci-image.ts';
import { pushBuiltImage } from '../../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../../test/support/registry.ts';
import {
  identityToken,
  startSigstoreServices,
  type SigstoreServices,
} from '../../../test/support/sigstore-services.ts';
import { RegistryClient } from '../../image/index.ts';
import { attestImageKeyless, generateKeyPair, writeKeyPair } from '../../sign/index.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

const SUBJECT = 'https://github.com/acme/app/.github/workflows/release.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';
const UNREACHABLE = '127.0.0.1:1/team/app:1.0';
const connect = ['--insecure', '--timeout', '5', '--docker-config', 'none'];

let work: string;
let registry: TestRegistry;
let services: SigstoreServices;
let client: RegistryClient;
let counter = 0;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-keyless-'));
  [registry, services] = await Promise.all([startRegistry({ auth: 'none' }), startSigstoreServices()]);
  client = new RegistryClient({ registry: registry.host, insecure: true });
  await writeKeyPair(work, await generateKeyPair(''));
  await writeFile(join(work, 'root.json'), services.trustedRoot());
  await writeFile(
    join(work, 'garbage.json'),
    '{"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1"}',
  );
  await writeFile(join(work, 'token.jwt'), `${identityToken({ sub: SUBJECT, iss: ISSUER })}\n`);
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
  await services?.stop();
  await rm(work, { recursive: true, force: true });
});

async function pushImage(): Promise<string> {
  const repository = `cli-keyless/app${counter++}`;
  const blobs = new OciBlobs();
  const built = blobs.image([buildLayer([{ name: 'a.txt', body: `${repository}\n` }])]);
  await pushBuiltImage(client, repository, blobs, built.manifest, 'v1');
  return `${registry.host}/${repository}@${built.manifest.digest}`;
}

async function bosun(argv: string[], env: Record<string, string> = {}) {
  const io = memoryIo({ cwd: work, env });
  const code = await run([...argv, ...connect], io);
  return { code, out: io.out(), err: io.err() };
}

const identity = ['--certificate-identity', SUBJECT, '--certificate-oidc-issuer', ISSUER];
const keylessSign = () => [
  '--keyless',
  '--identity-token',
  'token.jwt',
  '--fulcio-url',
  services.fulcioURL,
  '--rekor-url',
  services.rekorURL,
  '--rekor-entry-type',
  'intoto',
];

describe('keyless flags', () => {
  it.each([
    [
      'verify: identity without issuer',
      2,
      ['verify', '--trusted-root', 'root.json', '--certificate-identity', SUBJECT, UNREACHABLE],
    ],
    [
      'verify: issuer without identity',
      2,
      ['verify', '--trusted-root', 'root.json', '--certificate-oidc-issuer', ISSUER, UNREACHABLE],
    ],
    [
      'verify: --key with keyless flags',
      2,
      ['verify', '--key', 'cosign.pub', '--trusted-root', 'root.json', ...identity, UNREACHABLE],
    ],
    [
      'verify: a missing trusted root',
      2,
      ['verify', '--trusted-root', 'missing.json', ...identity, UNREACHABLE],
    ],
    [
      'verify: a trusted root without CAs',
      2,
      ['verify', '--trusted-root', 'garbage.json', ...identity, UNREACHABLE],
    ],
    [
      'verify: a bad identity regexp',
      2,
      [
        'verify',
        '--trusted-root',
        'root.json',
        '--certificate-identity-regexp',
        '(',
        '--certificate-oidc-issuer',
        ISSUER,
        UNREACHABLE,
      ],
    ],
    [
      'verify: --trusted-root with --tuf-mirror',
      2,
      [
        'verify',
        '--trusted-root',
        'root.json',
        '--tuf-mirror',
        'http://127.0.0.1:1',
        ...identity,
        UNREACHABLE,
      ],
    ],
    ['verify: valid keyless flags', 3, ['verify', '--trusted-root', 'root.json', ...identity, UNREACHABLE]],
    [
      'verify-attestation: valid keyless flags',
      3,
      [
        'verify-attestation',
        '--type',
        'vuln',
        '--trusted-root',
        'root.json',
        '--certificate-identity-regexp',
        'acme',
        '--certificate-oidc-issuer-regexp',
        'github',
        UNREACHABLE,
      ],
    ],
    [
      'verify-attestation: identity without issuer',
      2,
      ['verify-attestation', '--trusted-root', 'root.json', '--certificate-identity', SUBJECT, UNREACHABLE],
    ],
    ['sign: neither --key nor --keyless', 2, ['sign', UNREACHABLE]],
    [
      'sign: --key and --keyless',
      2,
      ['sign', '--key', 'cosign.key', '--keyless', '--identity-token', 'token.jwt', UNREACHABLE],
    ],
    ['sign: --keyless without a token', 2, ['sign', '--keyless', UNREACHABLE]],
    [
      'sign: --identity-token without --keyless',
      2,
      ['sign', '--key', 'cosign.key', '--identity-token', 'token.jwt', UNREACHABLE],
    ],
    [
      'sign: an unknown --rekor-entry-type',
      2,
      ['sign', '--keyless', '--identity-token', 'token.jwt', '--rekor-entry-type', 'rekord', UNREACHABLE],
    ],
    [
      'sign: --keyless with a token file',
      3,
      ['sign', '--keyless', '--identity-token', 'token.jwt', UNREACHABLE],
    ],
  ])('%s exits %i', async (_name, exit, argv) => {
    const { code, out } = await bosun(argv);
    expect({ code, out }).toEqual({ code: exit, out: '' });
  });

  it('takes the token from SIGSTORE_ID_TOKEN', async () => {
    const { code } = await bosun(['sign', '--keyless', UNREACHABLE], { SIGSTORE_ID_TOKEN: 'a.b.c' });
    expect(code).toEqual(3);
  });
});

describe.each(['bundle', 'legacy'])('bosun sign --keyless, then verify (%s)', (format) => {
  let reference: string;
  beforeAll(async () => {
    reference = await pushImage();
    const signed = await bosun(['sign', ...keylessSign(), '--format', format, reference]);
    expect([signed.code, signed.out]).toEqual([0, `${reference}\n`]);
  });

  it.each<[string, string[], number, string]>([
    ['the matching identity', identity, 0, 'verified'],
    [
      'regexp identity and issuer',
      [
        '--certificate-identity-regexp',
        '^https://github\\.com/acme/',
        '--certificate-oidc-issuer-regexp',
        'githubusercontent',
      ],
      0,
      'verified',
    ],
    [
      'a wrong identity',
      ['--certificate-identity', 'https://github.com/evil/app', '--certificate-oidc-issuer', ISSUER],
      1,
      'identity-mismatch',
    ],
    [
      'a wrong issuer',
      ['--certificate-identity', SUBJECT, '--certificate-oidc-issuer', 'https://accounts.google.com'],
      1,
      'issuer-mismatch',
    ],
  ])('%s exits %i', async (_name, flags, exit, text) => {
    const { code, out, err } = await bosun(['verify', '--trusted-root', 'root.json', ...flags, reference]);
    expect([code, err.includes(text), exit === 0 ? (JSON.parse(out) as unknown[]).length : out]).toEqual([
      exit,
      true,
      exit === 0 ? 1 : '',
    ]);
    if (exit === 0) expect(err).toContain(`with certificate ${SUBJECT} (issuer ${ISSUER})`);
  });

  it('a key does not verify a keyless signature', async () => {
    const { code, err } = await bosun(['verify', '--key', 'cosign.pub', reference]);
    expect([code, err.includes('signature-mismatch')]).toEqual([1, true]);
  });
});

describe('bosun verify-attestation keyless', () => {
  it.each<[string, string[], number]>([
    ['the matching identity', identity, 0],
    [
      'a wrong identity',
      ['--certificate-identity', 'someone@example.com', '--certificate-oidc-issuer', ISSUER],
      1,
    ],
  ])('%s exits %i', async (_name, flags, exit) => {
    const reference = await pushImage();
    await attestImageKeyless({
      reference,
      client,
      fulcioURL: services.fulcioURL,
      rekorURL: services.rekorURL,
      identityToken: identityToken({ sub: SUBJECT, iss: ISSUER }),
      rekorEntryType: 'intoto',
      type: 'cyclonedx',
      predicate: Buffer.from('{"bomFormat":"CycloneDX"}'),
    });
    const { code, out } = await bosun([
      'verify-attestation',
      '--type',
      'cyclonedx',
      '--trusted-root',
      'root.json',
      ...flags,
      reference,
    ]);
    expect([code, out.split('\n').filter(Boolean).length]).toEqual([exit, exit === 0 ? 1 : 0]);
  });
});
