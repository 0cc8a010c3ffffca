import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutatedBytes, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { openImage, resolveImage } from '../../image/index.ts';
import { buildLayer, type BuiltLayer } from '../../../test/builders/layer.ts';
import { OciBlobs, writeFiles } from '../../../test/builders/oci-image.ts';
import { buildModelCorpus } from '../../../test/builders/models/corpus.ts';
import { buildElf } from '../../../test/builders/elf.ts';
import { scanImageModels, type ImageModelScan } from './scan-image-models.ts';
import { sniffCandidate } from './candidates.ts';

let work: string;
let corpusDir: string;

const corpusFile = (path: string): Promise<Buffer> => readFile(join(corpusDir, path));

async function scanLayers(layers: readonly BuiltLayer[], spoolParent: string): Promise<ImageModelScan> {
  const blobs = new OciBlobs();
  const image = blobs.image(layers);
  const dir = await mkdtemp(join(work, 'layout-'));
  await writeFiles(dir, blobs.layoutFiles([{ descriptor: image.manifest, refName: 'latest' }]));
  const { source } = await openImage(`oci:${dir}`);
  try {
    const resolved = await resolveImage(source, {});
    return await scanImageModels(resolved, { tmpDir: spoolParent });
  } finally {
    await source.close();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-image-models-'));
  corpusDir = buildModelCorpus().dir;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('scanImageModels', () => {
  it('reports final-filesystem models with their layer, whatever their names', async () => {
    const evilP2 = await corpusFile('malicious/builtins_eval_p2.pkl');
    const evilP0 = await corpusFile('malicious/builtins_eval_p0.pkl');
    const base = buildLayer([
      {
        name: 'bin/tool',
        body: buildElf({ sections: [{ name: '.text', size: 16, fill: () => new Uint8Array(16) }] }),
      },
      { name: 'app/config.json', body: evilP2 },
      { name: 'app/notes', body: evilP0 },
      { name: 'models/model.safetensors', body: await corpusFile('benign/model.safetensors') },
      { name: 'models/evil.pkl', body: evilP2 },
      { name: 'models/old/evil.pt', body: await corpusFile('malicious/torch_zip_evil.pt') },
      { name: 'models/replaced.pt', body: await corpusFile('malicious/torch_zip_evil.pt') },
      { name: 'usr/share/doc/tool/changelog.gz', body: gzipSync('tool (1.0) unstable; urgency=low\n') },
      { name: 'var/cache/app/state', body: gzipSync(evilP2) },
      { name: 'etc/os-release', body: 'ID=debian\n' },
    ]);
    const update = buildLayer([
      { name: 'models/.wh.evil.pkl', body: '' },
      { name: 'models/old/.wh..wh..opq', body: '' },
      { name: 'models/replaced.pt', body: await corpusFile('benign/state_dict_zip.pt') },
      { name: 'models/linked.pt', type: 'hardlink', linkname: 'models/replaced.pt' },
    ]);
    const spoolParent = await mkdtemp(join(work, 'spool-'));
    const scan = await scanLayers([base, update], spoolParent);

    const summary = scan.files.map((f) => ({
      path: f.path,
      layer: f.layerDigest,
      verdict: f.result.verdict,
      kinds: [...new Set(f.result.findings.map((x) => x.kind))].sort(),
      skipped: f.result.skipped !== undefined,
    }));
    expect(summary).toEqual([
      {
        path: 'app/config.json',
        layer: base.digest,
        verdict: 'fail',
        kinds: ['dangerous-callable'],
        skipped: false,
      },
      {
        path: 'app/notes',
        layer: base.digest,
        verdict: 'fail',
        kinds: ['dangerous-callable'],
        skipped: false,
      },
      { path: 'models/linked.pt', layer: update.digest, verdict: 'pass', kinds: [], skipped: false },
      { path: 'models/model.safetensors', layer: base.digest, verdict: 'pass', kinds: [], skipped: false },
      { path: 'models/replaced.pt', layer: update.digest, verdict: 'pass', kinds: [], skipped: false },
      {
        path: 'var/cache/app/state',
        layer: base.digest,
        verdict: 'fail',
        kinds: ['dangerous-callable'],
        skipped: false,
      },
    ]);
    const evil = scan.files.find((f) => f.path === 'app/config.json');
    expect(evil?.result.file).toEqual('app/config.json');
    expect(evil?.result.findings.every((f) => f.file === 'app/config.json')).toBe(true);
    expect(evil?.result.findings.find((f) => f.kind === 'dangerous-callable')?.callable).toEqual(
      '__builtin__.eval',
    );
    expect(scan.files.find((f) => f.path === 'app/notes')?.candidate.reason).toEqual('pickle-probe');
    // Seven in the base layer (not the gzip'd changelog), one in the update; deleted and
    // replaced ones are not reported.
    expect(scan.candidates).toEqual(8);
    // The spool is private and gone afterwards.
    expect(await readdir(spoolParent)).toEqual([]);
  });

  it('reports candidates over the size limit as not scanned', async () => {
    const layer = buildLayer([{ name: 'w.pkl', body: await corpusFile('benign/plain_proto4.pkl') }]);
    const blobs = new OciBlobs();
    const image = blobs.image([layer]);
    const dir = await mkdtemp(join(work, 'layout-'));
    await writeFiles(dir, blobs.layoutFiles([{ descriptor: image.manifest }]));
    const { source } = await openImage(`oci:${dir}`);
    try {
      const scan = await scanImageModels(await resolveImage(source, {}), {
        tmpDir: work,
        imageLimits: { maxFileBytes: 8 },
      });
      expect(scan.files.map((f) => [f.path, f.result.verdict, f.result.findings[0]?.kind])).toEqual([
        ['w.pkl', 'fail', 'limit-exceeded'],
      ]);
    } finally {
      await source.close();
    }
  });
});

describe('sniffCandidate', () => {
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);
  it.each([
    ['zip', Uint8Array.of(0x50, 0x4b, 0x03, 0x04, 0, 0), 'a/b', 'magic'],
    ['pickle proto 4', Uint8Array.of(0x80, 4, 0x4e, 0x2e), 'x.json', 'magic'],
    ['protocol-0 pickle', text('cos\nsystem\n(S"id"\ntR.'), 'README', 'pickle-probe'],
    ['model extension', text('not a model'), 'w/weights.bin', 'extension'],
    ['gzip of a pickle', gzipSync(Uint8Array.of(0x80, 4, 0x4e, 0x2e)), 'x.txt.gz', 'magic'],
    ['gzip of anything named as a model', gzipSync('text'), 'w.pkl.gz', 'magic'],
    ['corrupt gzip', Uint8Array.of(0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 'x.gz', 'magic'],
  ])('picks %s', (_name, head, path, reason) => {
    expect(sniffCandidate(head, path, head.length)?.reason).toEqual(reason);
  });

  it.each([
    ['ELF', Uint8Array.of(0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0)],
    ['shell script', text('#!/bin/sh\necho hi\n')],
    ['JSON', text('{"a": 1}\n')],
    ['text', text('Copyright (c) 2020\n')],
    ['text that starts like an import', text('composer\n\nThis package is MIT licensed.\n')],
    ['a gzip man page', gzipSync('.TH LS 1\n.SH NAME\nls \\- list directory contents\n')],
    ['empty', new Uint8Array()],
  ])('leaves %s alone', (_name, head) => {
    expect(sniffCandidate(head, 'etc/file', head.length)).toEqual(undefined);
  });

  it('returns a candidate or nothing for any bytes and size', () => {
    const seed = text('cos\nsystem\n(S"id"\ntR.');
    fc.assert(
      fc.property(mutatedBytes(seed), fc.nat(), (head, extra) => {
        const found = valueOrBosunError(() => sniffCandidate(head, 'f', head.length + extra), []);
        expect(found === undefined || typeof found.reason === 'string').toBe(true);
      }),
    );
  });
});
