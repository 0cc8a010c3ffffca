// `bosun inspect` and `bosun resolve` end to end: images pushed by skopeo into a real registry
// (open, and basic auth over TLS with credentials from a docker config and a pull secret).
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.ts';
import { memoryIo } from '../../src/cli/test-io.ts';
import { buildLayer } from '../builders/layer.ts';
import { OciBlobs, writeFiles } from '../builders/oci-image.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';

const exec = promisify(execFile);

let work: string;
let layout: string;
let open: TestRegistry;
let secure: TestRegistry;
let amd64Digest: string;
let indexDigest: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-inspect-'));
  const blobs = new OciBlobs();
  const layer = buildLayer([{ name: 'etc/hello.txt', body: 'hello\n' }]);
  const amd64 = blobs.image([layer], {
    config: { config: { Env: ['PATH=/usr/bin', 'API_TOKEN=s3cret'], User: 'app', Labels: { team: 'core' } } },
  });
  const arm64 = blobs.image([buildLayer([{ name: 'etc/arm.txt', body: 'arm\n' }])], {
    platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  });
  const index = blobs.index([amd64.manifest, arm64.manifest]);
  amd64Digest = amd64.manifest.digest;
  indexDigest = index.digest;
  layout = join(work, 'layout');
  await writeFiles(layout, blobs.layoutFiles([{ descriptor: index, refName: 'multi' }]));
  [open, secure] = await Promise.all([startRegistry(), startRegistry({ auth: 'basic', tls: true })]);
  await exec('skopeo', [
    'copy',
    '--all',
    '--dest-tls-verify=false',
    `oci:${layout}:multi`,
    `docker://${open.host}/team/app:1.0`,
  ]);
  await exec('skopeo', [
    'copy',
    '--all',
    `--dest-cert-dir=${secure.certDir}`,
    `--dest-creds=${secure.username}:${secure.password}`,
    `oci:${layout}:multi`,
    `docker://${secure.host}/private/app:2.0`,
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all([open?.stop(), secure?.stop()]);
  await rm(work, { recursive: true, force: true });
});

async function bosun(argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  const io = memoryIo({ ...options, cwd: work });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('bosun inspect', () => {
  it('reads a multi-platform image from the registry with the digests skopeo pushed', async () => {
    const { code, out } = await bosun([
      'inspect',
      `${open.host}/team/app:1.0`,
      '--insecure',
      '--format',
      'json',
      '--platform',
      'linux/amd64',
    ]);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    const { stdout: raw } = await exec('skopeo', [
      'inspect',
      '--raw',
      '--tls-verify=false',
      `docker://${open.host}/team/app:1.0`,
    ]);
    const { createHash } = await import('node:crypto');
    expect(summary.digest).toBe(`sha256:${createHash('sha256').update(raw).digest('hex')}`);
    expect(summary.platforms.map((p: { platform: string }) => p.platform)).toEqual([
      'linux/amd64',
      'linux/arm64/v8',
    ]);
    expect(summary.image.digest).toBe(amd64Digest);
    expect(summary.config.user).toBe('app');
    // Env names only: values may be secrets.
    expect(summary.config.env).toEqual(['PATH', 'API_TOKEN']);
    expect(out).not.toContain('s3cret');
    expect(summary.image.layers).toHaveLength(1);
  });

  it('picks the platform asked for', async () => {
    const { code, out } = await bosun([
      'inspect',
      `oci:${layout}:multi`,
      '--platform',
      'linux/arm64',
      '-f',
      'json',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out).image.platform).toBe('linux/arm64/v8');
  });

  it('prints a readable table by default', async () => {
    const { code, out } = await bosun(['inspect', `oci:${layout}:multi`, '--platform', 'linux/amd64']);
    expect(code).toBe(0);
    expect(out).toContain(`Digest:      ${indexDigest}`);
    expect(out).toContain('Env:         PATH, API_TOKEN');
    expect(out).toContain('team=core');
  });

  it('uses credentials from a docker config over TLS with a CA file', async () => {
    const config = join(work, 'docker');
    await mkdir(config, { recursive: true });
    const auth = Buffer.from(`${secure.username}:${secure.password}`).toString('base64');
    await writeFile(join(config, 'config.json'), JSON.stringify({ auths: { [secure.host]: { auth } } }));
    const { code, out } = await bosun([
      'inspect',
      `${secure.host}/private/app:2.0`,
      '--docker-config',
      config,
      '--ca-file',
      secure.caFile!,
      '-f',
      'json',
      '--platform',
      'linux/amd64',
    ]);
    expect(code).toBe(0);
    expect(JSON.parse(out).digest).toBe(indexDigest);
  });

  it('uses credentials from a Kubernetes pull secret', async () => {
    const dockerconfigjson = Buffer.from(
      JSON.stringify({ auths: { [secure.host]: { username: secure.username, password: secure.password } } }),
    ).toString('base64');
    const secret = join(work, 'secret.yaml');
    await writeFile(
      secret,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: regcred}\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${dockerconfigjson}\n`,
    );
    const { code } = await bosun([
      'inspect',
      `${secure.host}/private/app:2.0`,
      '--pull-secret',
      secret,
      '--ca-file',
      secure.caFile!,
      '--docker-config',
      join(work, 'none'),
    ]);
    expect(code).toBe(0);
  });

  it('uses --username with --password-stdin', async () => {
    const { code } = await bosun(
      [
        'inspect',
        `${secure.host}/private/app:2.0`,
        '--username',
        secure.username!,
        '--password-stdin',
        '--ca-file',
        secure.caFile!,
        '--docker-config',
        join(work, 'none'),
      ],
      { stdin: `${secure.password}\n` },
    );
    expect(code).toBe(0);
  });

  it.each([
    ['no credentials', ['--docker-config', 'none'], 3],
    ['TLS without the CA', ['--docker-config', 'docker'], 3],
  ])('fails with a transport exit code: %s', async (_name, extra, exit) => {
    const args = [
      'inspect',
      `${secure.host}/private/app:2.0`,
      ...extra.map((a) => (a === 'none' || a === 'docker' ? join(work, a) : a)),
    ];
    if (_name === 'no credentials') args.push('--ca-file', secure.caFile!);
    const { code, err } = await bosun(args);
    expect(code).toBe(exit);
    expect(err).not.toContain(secure.password!);
  });

  it.each([
    [['inspect', 'UPPER/Case:tag'], 2],
    [['inspect', `${'a'.repeat(10)}:bad tag`], 2],
    [['inspect', 'oci:/nonexistent/layout'], 2],
    [['inspect', `oci:${'/nonexistent'}`, '--format', 'yaml'], 2],
    [['inspect', '127.0.0.1:1/none:1', '--insecure', '--timeout', '2'], 3],
    [['inspect', `${'x'}`, '--platform', 'linux'], 2],
  ])('bosun %j exits %i', async (argv, exit) => {
    const { code } = await bosun(argv);
    expect(code).toBe(exit);
  });
});

describe('bosun resolve', () => {
  it('pins a tag to the digest the registry serves', async () => {
    const { code, out } = await bosun(['resolve', `${open.host}/team/app:1.0`, '--insecure']);
    expect(code).toBe(0);
    expect(out.trim()).toBe(`${open.host}/team/app:1.0@${indexDigest}`);
    const { stdout } = await exec('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      `docker://${open.host}/team/app:1.0`,
    ]);
    expect(stdout.trim()).toBe(indexDigest);
  });

  it('refuses a local image', async () => {
    const { code } = await bosun(['resolve', `oci:${layout}:multi`]);
    expect(code).toBe(2);
  });

  it('reports an unknown tag as an input error', async () => {
    const { code, err } = await bosun(['resolve', `${open.host}/team/app:nope`, '--insecure']);
    expect(code).toBe(2);
    expect(err).toContain('nope');
  });
});
