import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { digestOf } from '../../util/digest.ts';
import { buildLayer } from '../../../test/builders/layer.ts';
import { dockerArchiveFiles, OciBlobs, tarOfFiles } from '../../../test/builders/oci-image.ts';
import { readImage } from '../../../test/support/read-image.ts';
import { parseDockerManifestJson } from './docker-manifest-json.ts';
import { openLocalImage } from './open-local.ts';
import { parseManifestBytes } from './parse-manifest.ts';

const base = mkdtempSync(join(tmpdir(), 'bosun-parsers-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function valueOrBosunError(fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    if (!isBosunError(error)) throw error;
  }
}

async function valueOrBosunErrorAsync(fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (!isBosunError(error)) throw error;
  }
}

const digest = fc.oneof(
  fc.constant(`sha256:${'a'.repeat(64)}`),
  fc.string(),
  fc.stringMatching(/^sha(256|512):[0-9a-f]{0,130}$/),
);
const descriptor = fc.record(
  {
    mediaType: fc.oneof(fc.string(), fc.constant('application/vnd.oci.image.layer.v1.tar+gzip')),
    digest,
    size: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
    annotations: fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.integer())),
    platform: fc.record(
      { os: fc.oneof(fc.string(), fc.integer()), architecture: fc.string(), variant: fc.string() },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: [] },
);
const manifestLike = fc.record(
  {
    schemaVersion: fc.oneof(fc.constant(2), fc.constant(1), fc.integer()),
    mediaType: fc.constantFrom(
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.docker.distribution.manifest.v2+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v1+prettyjws',
      'text/plain',
    ),
    config: descriptor,
    layers: fc.array(descriptor, { maxLength: 4 }),
    manifests: fc.array(descriptor, { maxLength: 4 }),
    subject: descriptor,
    annotations: fc.dictionary(fc.string(), fc.string()),
  },
  { requiredKeys: [] },
);

describe('parser properties: a value or a BosunError', () => {
  it('parseManifestBytes on structured and random JSON', () => {
    fc.assert(
      fc.property(fc.oneof(manifestLike, fc.jsonValue()), fc.option(fc.string()), (value, hint) => {
        const bytes = Buffer.from(JSON.stringify(value) ?? 'null');
        valueOrBosunError(() => parseManifestBytes(bytes, digestOf(bytes), 'fuzz', hint ?? undefined));
      }),
      { numRuns: 1000 },
    );
  });

  it('parseManifestBytes on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        valueOrBosunError(() => parseManifestBytes(bytes, digestOf(bytes), 'fuzz'));
      }),
    );
  });

  it('docker manifest.json', () => {
    const entry = fc.record(
      {
        Config: fc.oneof(fc.string(), fc.integer(), fc.constant('../../etc/passwd')),
        RepoTags: fc.oneof(fc.constant(null), fc.array(fc.oneof(fc.string(), fc.integer()))),
        Layers: fc.oneof(fc.array(fc.string()), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(entry, { maxLength: 3 }), fc.jsonValue()), (value) => {
        valueOrBosunError(() =>
          parseDockerManifestJson(Buffer.from(JSON.stringify(value) ?? 'null'), 'fuzz'),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('archives: mutated oci-archive and docker-archive files and index.json contents', async () => {
    const blobs = new OciBlobs();
    const image = blobs.image([buildLayer([{ name: 'a.txt', body: 'a' }], { compression: 'none' })]);
    const oci = tarOfFiles(blobs.layoutFiles([{ descriptor: image.manifest, refName: 'x' }]));
    const docker = tarOfFiles(dockerArchiveFiles([{ repoTags: ['x:1'], image }]));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(oci, docker),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        async (seed, edits) => {
          const bytes = Buffer.from(seed);
          for (const [at, value] of edits) bytes[at % bytes.length] = value;
          const path = join(base, `a${n++}.tar`);
          writeFileSync(path, bytes);
          await valueOrBosunErrorAsync(async () => {
            const source = await openLocalImage(path);
            try {
              const got = await readImage(source);
              expect(got.layers.length).toBeLessThanOrEqual(1);
            } finally {
              await source.close();
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('oci-archive with random index.json documents', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ schemaVersion: fc.constant(2), manifests: fc.array(descriptor, { maxLength: 3 }) }),
          fc.jsonValue(),
        ),
        async (index) => {
          const files = new Map([
            ['oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')],
            ['index.json', Buffer.from(JSON.stringify(index) ?? 'null')],
          ]);
          const path = join(base, `i${n++}.tar`);
          writeFileSync(path, tarOfFiles(files));
          await valueOrBosunErrorAsync(async () => {
            const source = await openLocalImage(`oci-archive:${path}`);
            try {
              await readImage(source);
            } finally {
              await source.close();
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
