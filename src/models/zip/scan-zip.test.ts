import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { benignPickle, callPickle } from '../../../test/builders/models/pickle.ts';
import { buildZip } from '../../../test/builders/models/zip.ts';
import { scanModelBytes } from '../index.ts';
import { bufferSource } from '../scan/source.ts';
import { readZipDirectory } from './read.ts';

const evil = callPickle('os', 'system');
const good = benignPickle(3);

async function scan(bytes: Uint8Array): Promise<{ verdict: string; kinds: string[]; callables: string[] }> {
  const r = await scanModelBytes(bytes, 'test.bin');
  return {
    verdict: r.verdict,
    kinds: [...new Set(r.findings.map((f) => f.kind))].sort(),
    callables: [...new Set(r.findings.flatMap((f) => (f.callable ? [f.callable] : [])))].sort(),
  };
}

describe('zip scanning', () => {
  it('passes a clean torch-style archive', async () => {
    expect(
      await scan(
        buildZip({
          members: [
            { name: 'a/data.pkl', data: good },
            { name: 'a/version', data: Buffer.from('3\n') },
          ],
        }),
      ),
    ).toEqual({
      verdict: 'pass',
      kinds: [],
      callables: [],
    });
  });

  it.each([
    ['stored', { name: 'x/data.pkl', data: evil }],
    ['deflated', { name: 'x/data.pkl', data: evil, method: 8 }],
    ['zstd (method 93)', { name: 'x/data.pkl', data: evil, method: 93 }],
    ['encryption flag without encryption', { name: 'x/data.pkl', data: evil, flags: 1 }],
    ['bad CRC', { name: 'x/data.pkl', data: evil, crc: 1234 }],
    ['local name differs', { name: 'x/data.pkl', data: evil, localName: 'x/other.bin' }],
    ['local method differs', { name: 'x/data.pkl', data: evil, localMethod: 8 }],
    ['odd extension', { name: 'x/weights.txt', data: evil }],
  ])('finds the payload in a %s member', async (_label, member) => {
    const result = await scan(buildZip({ members: [member] }));
    expect({ verdict: result.verdict, callables: result.callables }).toEqual({
      verdict: 'fail',
      callables: ['os.system'],
    });
  });

  it('reads ZIP64 directories', async () => {
    const bytes = buildZip({ zip64: true, members: [{ name: 'a/data.pkl', data: evil }] });
    const dir = await readZipDirectory(bufferSource(bytes), 10);
    expect(dir?.entries.map((e) => e.name)).toEqual(['a/data.pkl']);
    expect((await scan(bytes)).callables).toEqual(['os.system']);
  });

  it('reports duplicate names and scans both copies', async () => {
    const result = await scan(
      buildZip({
        members: [
          { name: 'a/data.pkl', data: good },
          { name: 'a/data.pkl', data: evil },
        ],
      }),
    );
    expect(result.kinds).toContain('zip-anomaly');
    expect(result.callables).toEqual(['os.system']);
  });

  it('scans a pickle in front of the archive and the archive itself', async () => {
    const result = await scan(
      buildZip({
        prefix: callPickle('subprocess', 'getoutput'),
        members: [{ name: 'a/data.pkl', data: evil }],
      }),
    );
    expect(result.callables).toEqual(['os.system', 'subprocess.getoutput']);
  });

  it('reports unsupported compression as unscannable', async () => {
    const result = await scan(buildZip({ members: [{ name: 'a/data.pkl', data: good, method: 14 }] }));
    expect({ verdict: result.verdict, kinds: result.kinds }).toEqual({
      verdict: 'fail',
      kinds: ['unscannable'],
    });
  });

  it('decompresses zstd streams outside zips', async () => {
    expect((await scan(zlib.zstdCompressSync(evil))).callables).toEqual(['os.system']);
  });

  it('refuses archives that declare too many entries', async () => {
    const r = await scanModelBytes(
      buildZip({
        members: [
          { name: 'a', data: good },
          { name: 'b', data: good },
        ],
      }),
      'x',
      { limits: { maxZipEntries: 1 } },
    );
    expect(r.findings.map((f) => f.kind)).toContain('unscannable');
  });
});

describe('zip member names', () => {
  it.each(['../../etc/cron.d/x', '/etc/passwd', 'a/../../b', 'C:\\evil'])('flags %s', async (name) => {
    const result = await scan(buildZip({ members: [{ name, data: new TextEncoder().encode('{}') }] }));
    expect({ verdict: result.verdict, kinds: result.kinds }).toEqual({
      verdict: 'fail',
      kinds: ['zip-anomaly'],
    });
  });
});
