import { describe, expect, it } from 'vitest';
import { benignPickle, callPickle, op, pickleOf } from '../../../test/builders/models/pickle.ts';
import { analyzePickle } from './analyze.ts';
import { globalName, renderUse, type UseRecord } from './symbols.ts';

const names = (bytes: Uint8Array): string[] => analyzePickle(bytes).globals.map(globalName);
const kinds = (bytes: Uint8Array): string[] => analyzePickle(bytes).anomalies.map((a) => a.kind);

describe('analyzePickle', () => {
  it.each([
    ['GLOBAL', callPickle('os', 'system'), ['os.system']],
    ['INST', pickleOf(op.mark, op.text('id'), op.inst('os', 'system'), op.stop), ['os.system']],
    [
      'STACK_GLOBAL',
      pickleOf(
        op.proto(4),
        op.str('os'),
        op.str('system'),
        op.stackGlobal,
        op.emptyTuple,
        op.reduce,
        op.stop,
      ),
      ['os.system'],
    ],
    [
      'STACK_GLOBAL from the memo',
      pickleOf(
        op.proto(4),
        op.str('os'),
        op.binput(0),
        op.pop,
        op.str('system'),
        op.binput(1),
        op.pop,
        op.binget(0),
        op.binget(1),
        op.stackGlobal,
        op.stop,
      ),
      ['os.system'],
    ],
    [
      'MEMOIZE numbering by entry count',
      pickleOf(
        op.proto(4),
        op.str('x'),
        op.binput(7),
        op.pop,
        op.str('os'),
        op.memoize,
        op.pop,
        op.str('system'),
        op.memoize,
        op.pop,
        op.binget(1),
        op.binget(2),
        op.stackGlobal,
        op.stop,
      ),
      ['os.system'],
    ],
    [
      'protocol-0 STRING escapes',
      pickleOf(
        op.proto(4),
        Uint8Array.from(Buffer.from("S'o\\x73'\n")),
        op.text('system'),
        op.stackGlobal,
        op.stop,
      ),
      ['os.system'],
    ],
  ])('resolves %s', (_label, bytes, expected) => {
    expect(names(bytes)).toEqual(expected);
  });

  it('records the call chain through getattr results', () => {
    const bytes = pickleOf(
      op.proto(2),
      op.global('builtins', 'getattr'),
      op.global('os', 'path'),
      op.str('join'),
      op.tuple2,
      op.reduce,
      op.str('a'),
      op.tuple1,
      op.reduce,
      op.stop,
    );
    const getattr = analyzePickle(bytes).globals[0];
    expect(getattr?.uses.length).toEqual(2);
    expect(getattr && renderUse(getattr.uses[1] as UseRecord)).toMatch(
      /^REDUCE @\d+ calls the result builtins\.getattr/,
    );
  });

  it('keeps what was seen before an error', () => {
    const bytes = pickleOf(callPickle('os', 'system').subarray(0, -1), Uint8Array.of(0xff));
    const a = analyzePickle(bytes);
    expect({ names: a.globals.map(globalName), error: a.error?.message }).toEqual({
      names: ['os.system'],
      error: 'invalid load key 0xff',
    });
  });

  it.each([
    [
      'unused call result',
      pickleOf(callPickle('os', 'system').subarray(0, -1), op.pop, op.none, op.stop),
      'unused-call-result',
    ],
    [
      'frame too short',
      pickleOf(op.proto(4), op.frame(2), op.emptyDict, op.str('a'), op.none, op.setitem, op.stop),
      'frame-mismatch',
    ],
    [
      'protocol 4 opcode in a protocol 2 stream',
      pickleOf(op.proto(2), op.str('a'), op.stop),
      'protocol-mismatch',
    ],
    [
      'BUILD on an imported object',
      pickleOf(op.proto(2), op.global('m', 'C'), op.emptyDict, op.build, op.stop),
      'global-mutation',
    ],
    [
      'call of a non-callable',
      pickleOf(op.proto(2), op.str('x'), op.emptyTuple, op.reduce, op.stop),
      'unresolved-callable',
    ],
    ['unknown opcode', pickleOf(op.proto(2), Uint8Array.of(0xfe)), 'unknown-opcode'],
  ])('flags %s', (_label, bytes, kind) => {
    expect(kinds(bytes)).toContain(kind);
  });

  it('parses a clean state dict without anomalies', () => {
    const a = analyzePickle(benignPickle(50));
    expect({
      error: a.error,
      anomalies: a.anomalies,
      names: [...new Set(a.globals.map(globalName))],
    }).toEqual({
      error: undefined,
      anomalies: [],
      names: ['collections.OrderedDict', 'torch._utils._rebuild_tensor_v2'],
    });
  });

  it('pops the MARK when POP meets one, like CPython', () => {
    const a = analyzePickle(pickleOf(op.mark, op.pop, op.none, op.stop));
    expect(a.error).toBeUndefined();
  });

  it('collects bytes passed to nested loaders', () => {
    const inner = callPickle('os', 'system');
    const a = analyzePickle(
      pickleOf(op.proto(2), op.global('pickle', 'loads'), op.bytes(inner), op.tuple1, op.reduce, op.stop),
    );
    expect(a.nested.map((n) => ({ loader: n.loader, size: n.data.length }))).toEqual([
      { loader: 'pickle.loads', size: inner.length },
    ]);
  });
});
