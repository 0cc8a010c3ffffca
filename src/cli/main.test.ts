import { describe, expect, it } from 'vitest';
import { run, VERSION } from './main.ts';
import { memoryIo } from './test-io.ts';

describe('bosun CLI', () => {
  it.each([
    [['--version'], 0, VERSION],
    [['--help'], 0, 'Usage: bosun'],
    [['--no-such-flag'], 2, "unknown option '--no-such-flag'"],
    [['no-such-command'], 2, "unknown command 'no-such-command'"],
  ])('bosun %j exits %i', async (argv, code, text) => {
    const io = memoryIo();
    expect(await run(argv, io)).toBe(code);
    expect(io.out() + io.err()).toContain(text);
  });
});
