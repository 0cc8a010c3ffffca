import { describe, expect, it } from 'vitest';
import { classifyGlobal, compileAllowList } from './classify.ts';

const allow = compileAllowList();

describe('classifyGlobal', () => {
  it.each([
    ['collections', 'OrderedDict', 'safe'],
    ['torch._utils', '_rebuild_tensor_v2', 'safe'],
    ['torch.nn.modules.linear', 'Linear', 'safe'],
    ['numpy.core.multiarray', '_reconstruct', 'safe'],
    ['__builtin__', 'set', 'safe'],
    ['copy_reg', '_reconstructor', 'safe'],
    ['os', 'system', 'dangerous'],
    ['posix', 'system', 'dangerous'],
    ['nt', 'system', 'dangerous'],
    ['builtins', 'eval', 'dangerous'],
    ['__builtin__', 'eval', 'dangerous'],
    ['builtins', 'getattr', 'dangerous'],
    ['commands', 'getoutput', 'dangerous'],
    ['pathlib', 'os.system', 'dangerous'],
    ['numpy', '__builtins__.eval', 'dangerous'],
    ['torch.nn.modules.linear', 'Linear.__init__.__globals__', 'dangerous'],
    ['torch.nn.modules.linear', 'F', 'unknown'],
    ['torch.nn.modules.linear', 'Linear.forward', 'unknown'],
    ['asyncio.unix_events', '_UnixSubprocessTransport', 'dangerous'],
    ['mailcap', 'findmatch', 'dangerous'],
    ['pkgutil', 'resolve_name', 'dangerous'],
    ['multiprocessing.util', 'spawnv_passfds', 'dangerous'],
    ['operator', 'attrgetter', 'dangerous'],
    ['functools', 'partial', 'dangerous'],
    ['torch', 'load', 'dangerous'],
    ['mypkg', 'Thing', 'unknown'],
    ['sklearn.linear_model._base', 'LinearRegression', 'unknown'],
  ])('%s.%s is %s', (module, name, verdict) => {
    expect(classifyGlobal(module, name, allow).verdict).toEqual(verdict);
  });

  it('extends the allow-list from config without overriding the deny-list', () => {
    const custom = compileAllowList({
      presets: ['python', 'sklearn'],
      globals: ['mypkg.Thing', 'os.system'],
    });
    expect(
      [
        classifyGlobal('sklearn.linear_model._base', 'LinearRegression', custom),
        classifyGlobal('mypkg', 'Thing', custom),
        classifyGlobal('os', 'system', custom),
        classifyGlobal('torch._utils', '_rebuild_tensor_v2', custom),
      ].map((c) => c.verdict),
    ).toEqual(['safe', 'safe', 'dangerous', 'unknown']);
  });
});
