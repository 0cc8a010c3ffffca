import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benignPickle, callPickle } from '../../../test/builders/models/pickle.ts';
import { scanModelBytes } from '../index.ts';
import { parsePyLiteral } from './py-literal.ts';
import { templateRisk } from './template-risk.ts';

describe('parsePyLiteral', () => {
  it.each([
    [
      "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }",
      { descr: '<f4', fortran_order: false, shape: [3, 4] },
    ],
    [
      "{'descr': [('a', '<i4'), ('b', '|O')], 'shape': ()}",
      {
        descr: [
          ['a', '<i4'],
          ['b', '|O'],
        ],
        shape: [],
      },
    ],
    ['None', null],
  ])('parses %s', (text, value) => {
    expect(parsePyLiteral(text)).toEqual(value);
  });

  it.each(["{'a': __import__('os')}", "{'a': 1", '[1, 2] x'])('rejects %s', (text) => {
    expect(() => parsePyLiteral(text)).toThrow();
  });
});

describe('templateRisk', () => {
  it.each([
    ["{% for m in messages %}{{ m['content'] }}{% endfor %}", undefined],
    ["{{ cycler.__init__.__globals__.os.popen('id').read() }}", 'dunder attribute access'],
    ["{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}", 'attr filter'],
    ['{{ lipsum.__globals__ }}', 'dunder attribute access'],
  ])('%s', (template, risk) => {
    expect(templateRisk(template)).toEqual(risk);
  });
});

describe('tar archives (legacy torch.save layout), made with tar(1)', () => {
  it.each([
    ['benign', benignPickle(2), 'pass'],
    ['malicious', callPickle('os', 'system'), 'fail'],
  ])('%s pickle member', async (_label, pickle, verdict) => {
    const dir = mkdtempSync(join(tmpdir(), 'bosun-tar-'));
    try {
      writeFileSync(join(dir, 'pickle'), pickle);
      writeFileSync(join(dir, 'storages'), benignPickle(1));
      execFileSync('tar', ['-cf', 'model.tar', 'pickle', 'storages'], { cwd: dir });
      const result = await scanModelBytes(readFileSync(join(dir, 'model.tar')), 'model.tar');
      expect({ verdict: result.verdict, tar: result.formats.includes('tar') }).toEqual({
        verdict,
        tar: true,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('npy object detection', () => {
  const npy = (descr: string, data: Uint8Array): Uint8Array => {
    const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (1,), }`.padEnd(117, ' ') + '\n';
    return Buffer.concat([
      Buffer.from([0x93]),
      Buffer.from('NUMPY'),
      Buffer.from([1, 0, header.length, 0]),
      Buffer.from(header),
      data,
    ]);
  };
  it.each(['|O', 'O8', 'object', '<O'])('scans the data after a %s header as a pickle', async (descr) => {
    const result = await scanModelBytes(npy(descr, callPickle('os', 'system')), 'x.npy');
    expect(result.findings.map((f) => f.callable)).toContain('os.system');
  });
  it('does not read plain arrays as pickles', async () => {
    expect((await scanModelBytes(npy('<f4', new Uint8Array(4)), 'x.npy')).verdict).toEqual('pass');
  });
});
