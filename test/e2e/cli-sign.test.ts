// `bosun generate-key-pair`, `sign`, `verify`, `attest` and `verify-attestation` end to end on a
// real registry (Debian's docker-registry: open, and basic auth over TLS with --ca-file and a
// docker config), images pushed by skopeo, which still reads them after signing.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/test-io.ts';
import { PREDICATE_TYPES } from '../../src/sign/index.ts';
import { digestOf } from '../../src/util/digest.ts';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs, writeFiles } from '../builders/oci-image.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';

const exec = promisify(execFile);
const PASSWORD = 'e2e password';

let work: string;
let layout: string;
let open: TestRegistry;
let secure: TestRegistry;
let digestA: string;
let digestB: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-sign-'));
  const blobs = new OciBlobs();
  const a = blobs.image([buildLayer([{ name: 'etc/a.txt', body: 'image a\n' }])]);
  const b = blobs.image([buildLayer([{ name: 'etc/b.txt', body: 'image b\n' }])]);
  digestA = a.manifest.digest;
  digestB = b.manifest.digest;
  layout = join(work, 'layout');
  await writeFiles(
    layout,
    blobs.layoutFiles([
      { descriptor: a.manifest, refName: 'a' },
      { descriptor: b.manifest, refName: 'b' },
    ]),
  );
  [open, secure] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic', tls: true })]);
  const copies: [string, string][] = [
    ['a', 'team/app:1.0'],
    ['b', 'team/critical:1.0'],
    ['a', 'team/moving:1.0'],
  ];
  for (const [ref, dest] of copies) {
    await exec('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:${ref}`,
      `docker://${open.host}/${dest}`,
    ]);
  }
  await exec('skopeo', [
    'copy',
    `--dest-cert-dir=${secure.certDir}`,
    `--dest-creds=${secure.username}:${secure.password}`,
    `oci:${layout}:a`,
    `docker://${secure.host}/private/app:2.0`,
  ]);
  const docker = join(work, 'docker');
  await mkdir(docker);
  const auth = Buffer.from(`${secure.username}:${secure.password}`).toString('base64');
  await writeFile(join(docker, 'config.json'), JSON.stringify({ auths: { [secure.host]: { auth } } }));
  await writeFile(join(work, 'scan-clean.json'), JSON.stringify(vulnRecord([['CVE-2025-0001', 'HIGH']])));
  await writeFile(
    join(work, 'scan-critical.json'),
    JSON.stringify(
      vulnRecord([
        ['CVE-2025-0002', 'LOW'],
        ['CVE-2025-0003', 'CRITICAL'],
      ]),
    ),
  );
}, 180_000);

afterAll(async () => {
  await Promise.all([open?.stop(), secure?.stop()]);
  await rm(work, { recursive: true, force: true });
});

/** A cosign vuln record around Bosun's JSON report, finished an hour ago. */
function vulnRecord(findings: [string, string][]): unknown {
  const finished = new Date(Date.now() - 3_600_000).toISOString();
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: 'pkg:npm/bosun@0.1.0',
      version: '0.1.0',
      db: { uri: '', version: '' },
      result: {
        schemaVersion: 1,
        results: [
          {
            target: 'os-pkgs',
            class: 'os-pkgs',
            type: 'debian',
            vulnerabilities: findings.map(([id, severity]) => ({ id, pkgName: 'openssl', severity })),
          },
        ],
      },
    },
    metadata: { scanStartedOn: finished, scanFinishedOn: finished },
  };
}

async function bosun(argv: string[], env: Record<string, string> = { COSIGN_PASSWORD: PASSWORD }) {
  const io = memoryIo({ cwd: work, env });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

const openFlags = ['--insecure', '--docker-config', 'none'];
const img = (path: string): string => `${open.host}/${path}`;

async function skopeoDigest(reference: string, flags: string[]): Promise<string> {
  const { stdout } = await exec('skopeo', ['inspect', '--raw', ...flags, `docker://${reference}`], {
    encoding: 'buffer',
  });
  return digestOf(stdout);
}

describe('bosun signing commands on an open registry', () => {
  it('generates two key pairs', async () => {
    const first = await bosun(['generate-key-pair']);
    const second = await bosun(['generate-key-pair', '--output-key-prefix', 'other']);
    const again = await bosun(['generate-key-pair']);
    expect([first.code, second.code, again.code]).toEqual([0, 0, 2]);
    expect(await readFile(join(work, 'cosign.pub'), 'utf8')).toContain('-----BEGIN PUBLIC KEY-----');
  });

  it('signs a tag (legacy, with a claim) by its digest, warning about the tag', async () => {
    const { code, out, err } = await bosun([
      'sign',
      '--key',
      'cosign.key',
      '--format',
      'legacy',
      '-a',
      'env=prod',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect({ code, out }).toEqual({ code: 0, out: `${img('team/app:1.0')}@${digestA}\n` });
    expect(err).toContain(`warning: signing the digest ${digestA} of tag ${img('team/app:1.0')}`);
    expect(err).toContain(`Pushing signature to: ${img('team/app')}:sha256-${digestA.slice(7)}.sig`);
    expect(err).not.toContain(PASSWORD);
  });

  it('signs the digest as a bundle (the default format), without a warning', async () => {
    const { code, out, err } = await bosun([
      'sign',
      '--key',
      'cosign.key',
      img(`team/app@${digestA}`),
      ...openFlags,
    ]);
    expect({ code, out }).toEqual({ code: 0, out: `${img('team/app')}@${digestA}\n` });
    expect(err).not.toContain('warning');
    expect(err).toContain('Attached signature bundle');
  });

  it('verifies both formats: a JSON array of the signed payloads naming the digest', async () => {
    const { code, out, err } = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect(code).toBe(0);
    const payloads = JSON.parse(out) as Record<string, unknown>[];
    const legacy = payloads.find((p) => 'critical' in p);
    const bundle = payloads.find((p) => '_type' in p);
    expect({ count: payloads.length, legacy, bundle }).toEqual({
      count: 2,
      legacy: {
        critical: {
          identity: { 'docker-reference': img('team/app') },
          image: { 'docker-manifest-digest': digestA },
          type: 'cosign container image signature',
        },
        optional: { env: 'prod' },
      },
      bundle: expect.objectContaining({
        predicateType: PREDICATE_TYPES.sign,
        subject: [expect.objectContaining({ digest: { sha256: digestA.slice(7) } })],
      }),
    });
    expect(err).toContain('The signatures were verified against the specified public key');
  });

  it('prints one payload per line with -o text, and checks required claims', async () => {
    const text = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      '-o',
      'text',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    const prod = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      '-a',
      'env=prod',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    const dev = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      '-a',
      'env=dev',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect({
      text: [text.code, text.out.trim().split('\n').length],
      prod: [prod.code, (JSON.parse(prod.out) as unknown[]).length],
      dev: [dev.code, dev.out],
    }).toEqual({ text: [0, 2], prod: [0, 1], dev: [1, ''] });
    expect(dev.err).toContain('annotation-mismatch');
  });

  it('fails with the wrong key (exit 1), listing each rejected signature', async () => {
    const { code, out, err } = await bosun([
      'verify',
      '--key',
      'other.pub',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err.match(/signature-mismatch/g)?.length).toBe(2);
    expect(err).toContain('too-few-signatures');
  });

  it('needs both keys for --min-signatures 2', async () => {
    await bosun(['sign', '--key', 'other.key', img(`team/app@${digestA}`), ...openFlags]);
    const both = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      '--key',
      'other.pub',
      '--min-signatures',
      '2',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    const one = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      '--min-signatures',
      '2',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect([both.code, (JSON.parse(both.out) as unknown[]).length, one.code]).toEqual([0, 3, 1]);
  });

  it('attests a vulnerability scan and verifies it with --condition no-critical and max-age', async () => {
    const attest = await bosun([
      'attest',
      '--key',
      'cosign.key',
      '--type',
      'vuln',
      '--predicate',
      'scan-clean.json',
      img(`team/app@${digestA}`),
      ...openFlags,
    ]);
    expect({ code: attest.code, out: attest.out }).toEqual({
      code: 0,
      out: `${img('team/app')}@${digestA}\n`,
    });

    const verify = (condition: string) =>
      bosun([
        'verify-attestation',
        '--key',
        'cosign.pub',
        '--type',
        'vuln',
        '--condition',
        condition,
        img('team/app:1.0'),
        ...openFlags,
      ]);
    const ok = await verify('no-critical,max-age=24h');
    expect(ok.code).toBe(0);
    const lines = ok.out.trim().split('\n');
    const statement = JSON.parse(lines[0] ?? '') as {
      predicateType: string;
      subject: { digest: { sha256: string } }[];
      predicate: { scanner: { result: unknown } };
    };
    expect({
      lines: lines.length,
      predicateType: statement.predicateType,
      subject: statement.subject[0]?.digest.sha256,
      result: statement.predicate.scanner.result,
    }).toEqual({
      lines: 1,
      predicateType: PREDICATE_TYPES.vuln,
      subject: digestA.slice(7),
      result: (vulnRecord([['CVE-2025-0001', 'HIGH']]) as { scanner: { result: unknown } }).scanner.result,
    });

    const stale = await verify('max-age=30m');
    expect({ code: stale.code, out: stale.out }).toEqual({ code: 1, out: '' });
    expect(stale.err).toContain('condition-failed');
    expect(stale.err).toContain('older than 30m');

    const otherType = await bosun([
      'verify-attestation',
      '--key',
      'cosign.pub',
      '--type',
      'cyclonedx',
      img('team/app:1.0'),
      ...openFlags,
    ]);
    expect(otherType.code).toBe(1);
  });

  it('fails no-critical on a scan with a CRITICAL finding (legacy .att format)', async () => {
    const attest = await bosun([
      'attest',
      '--key',
      'cosign.key',
      '--type',
      'vuln',
      '--format',
      'legacy',
      '--predicate',
      'scan-critical.json',
      img('team/critical:1.0'),
      ...openFlags,
    ]);
    expect(attest.code).toBe(0);
    const plain = await bosun([
      'verify-attestation',
      '--key',
      'cosign.pub',
      '--type',
      'vuln',
      img('team/critical:1.0'),
      ...openFlags,
    ]);
    const checked = await bosun([
      'verify-attestation',
      '--key',
      'cosign.pub',
      '--type',
      'vuln',
      '--condition',
      'no-critical',
      img('team/critical:1.0'),
      ...openFlags,
    ]);
    expect([plain.code, checked.code, checked.out]).toEqual([0, 1, '']);
    expect(checked.err).toContain('no-critical: 1 CRITICAL (CVE-2025-0003)');
  });

  it('keeps signatures in another repository with --signature-repo or $COSIGN_REPOSITORY', async () => {
    const sigs = img('team/signatures');
    const signed = await bosun([
      'sign',
      '--key',
      'cosign.key',
      '--signature-repo',
      sigs,
      img('team/critical:1.0'),
      ...openFlags,
    ]);
    const there = await bosun(['verify', '--key', 'cosign.pub', img('team/critical:1.0'), ...openFlags], {
      COSIGN_REPOSITORY: sigs,
    });
    const here = await bosun(['verify', '--key', 'cosign.pub', img('team/critical:1.0'), ...openFlags]);
    expect([signed.code, there.code, here.code]).toEqual([0, 0, 1]);
  });

  it('a tag moved after signing no longer verifies; the signed digest still does; skopeo reads the image', async () => {
    const signed = await bosun(['sign', '--key', 'cosign.key', img('team/moving:1.0'), ...openFlags]);
    expect(signed.code).toBe(0);
    const before = await bosun(['verify', '--key', 'cosign.pub', img('team/moving:1.0'), ...openFlags]);
    await exec('skopeo', [
      'copy',
      '--dest-tls-verify=false',
      `oci:${layout}:b`,
      `docker://${img('team/moving:1.0')}`,
    ]);
    const after = await bosun(['verify', '--key', 'cosign.pub', img('team/moving:1.0'), ...openFlags]);
    const pinned = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      img(`team/moving@${digestA}`),
      ...openFlags,
    ]);
    expect([before.code, after.code, pinned.code]).toEqual([0, 1, 0]);
    expect(after.err).toContain(`points at ${digestB}`);
    expect([
      await skopeoDigest(img(`team/moving@${digestA}`), ['--tls-verify=false']),
      await skopeoDigest(img('team/app:1.0'), ['--tls-verify=false']),
    ]).toEqual([digestA, digestA]);
  });
});

describe('bosun signing commands with basic auth over TLS', () => {
  const secureFlags = (): string[] => [
    '--ca-file',
    secure.caFile ?? '',
    '--docker-config',
    join(work, 'docker'),
  ];

  it('signs both formats, attests, verifies; skopeo still reads the image', async () => {
    const image = `${secure.host}/private/app:2.0`;
    const legacy = await bosun([
      'sign',
      '--key',
      'cosign.key',
      '--format',
      'legacy',
      image,
      ...secureFlags(),
    ]);
    const bundle = await bosun(['sign', '--key', 'cosign.key', image, ...secureFlags()]);
    const attest = await bosun([
      'attest',
      '--key',
      'cosign.key',
      '--type',
      'vuln',
      '--predicate',
      'scan-clean.json',
      image,
      ...secureFlags(),
    ]);
    const verify = await bosun(['verify', '--key', 'cosign.pub', image, ...secureFlags()]);
    const attestation = await bosun([
      'verify-attestation',
      '--key',
      'cosign.pub',
      '--type',
      'vuln',
      '--condition',
      'no-critical',
      image,
      ...secureFlags(),
    ]);
    const noCa = await bosun([
      'verify',
      '--key',
      'cosign.pub',
      image,
      '--docker-config',
      join(work, 'docker'),
    ]);
    expect({
      codes: [legacy.code, bundle.code, attest.code, verify.code, attestation.code, noCa.code],
      payloads: (JSON.parse(verify.out) as unknown[]).length,
      statements: attestation.out.trim().split('\n').length,
    }).toEqual({ codes: [0, 0, 0, 0, 0, 3], payloads: 2, statements: 1 });
    expect(
      await skopeoDigest(image, [
        '--cert-dir',
        secure.certDir ?? '',
        '--creds',
        `${secure.username ?? ''}:${secure.password ?? ''}`,
      ]),
    ).toBe(digestA);
    for (const r of [legacy, bundle, attest, verify, attestation, noCa]) {
      expect(r.err).not.toContain(secure.password ?? 'no password');
    }
  });
});
