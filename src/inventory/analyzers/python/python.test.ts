import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mutatedText, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import type { Package } from '../../types.ts';
import { DEFAULT_LANG_LIMITS } from '../lang-common/limits.ts';
import { normalizePypiName } from '../lang-common/make-package.ts';
import { parsePythonMetadata } from './metadata.ts';
import { parsePipfileLock } from './pipfile-lock.ts';
import { parsePoetryLock } from './poetry-lock.ts';
import {
  isPythonMetadata,
  isRequirementsFile,
  pythonInstalledAnalyzer,
  pythonLockAnalyzer,
} from './python.ts';
import { parseRequirements } from './requirements.ts';
import { parseUvLock } from './uv-lock.ts';

const DIST = '/usr/lib/python3/dist-packages';
const loc = { path: 'x' };
const summary = (packages: readonly Package[]) =>
  packages.map((p) => ({ purl: p.purl, dev: p.dev === true, dependsOn: p.dependsOn ?? [] }));

/** Metadata files under Debian's dist-packages, as the analyzer would be handed them. */
function debianMetadataFiles(): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(DIST)) {
    const full = join(DIST, entry);
    if (statSync(full).isDirectory()) {
      for (const inner of ['METADATA', 'PKG-INFO']) {
        if (existsSync(join(full, inner)) && isPythonMetadata(`${entry}/${inner}`))
          out.push(join(full, inner));
      }
    } else if (isPythonMetadata(entry)) out.push(full);
  }
  return out;
}

describe('installed Python distributions (Debian dist-packages, read from disk)', () => {
  it('finds what importlib.metadata finds', () => {
    const parsed = debianMetadataFiles().flatMap((file) =>
      parsePythonMetadata(readFileSync(file, 'utf8'), { path: file.slice(1) }),
    );
    const script =
      'import importlib.metadata as m, json, re\n' +
      `d = m.distributions(path=[${JSON.stringify(DIST)}])\n` +
      'print(json.dumps(sorted({re.sub(r"[-_.]+", "-", x.metadata["Name"].lower()) + "@" + x.version for x in d})))';
    const expected = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8' }),
    ) as string[];
    const got = [...new Set(parsed.map((p) => `${normalizePypiName(p.name)}@${p.version}`))].sort();
    expect(got).toEqual(expected);
    expect(expected.length).toBeGreaterThan(20);
  });

  it.each([
    ['requests-2.28.1.egg-info/PKG-INFO', 'pkg:pypi/requests@2.28.1', ['Apache 2.0']],
    [
      'cryptography-38.0.4.dist-info/METADATA',
      'pkg:pypi/cryptography@38.0.4',
      ['BSD-3-Clause OR Apache-2.0'],
    ],
  ])('%s', (file, purl, licenses) => {
    const [pkg] = parsePythonMetadata(readFileSync(join(DIST, file), 'utf8'), { path: file });
    expect(pkg).toMatchObject({ purl, licenses });
  });
});

describe('core metadata (inline)', () => {
  it.each([
    [
      'License-Expression wins',
      'Name: A_b\nVersion: 1\nLicense: MIT\nLicense-Expression: MIT OR Apache-2.0\n',
      ['MIT OR Apache-2.0'],
    ],
    [
      'classifiers when License is UNKNOWN',
      'Name: a\nVersion: 1\nLicense: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n',
      ['MIT License'],
    ],
    [
      'classifiers when License is a full text',
      'Name: a\nVersion: 1\nLicense: Copyright x\n        Permission is granted\nClassifier: License :: OSI Approved :: BSD License\n',
      ['BSD License'],
    ],
    ['body after the blank line ignored', 'Name: a\nVersion: 1\n\nLicense: GPL\n', []],
  ])('%s', (_name, text, licenses) => {
    expect(parsePythonMetadata(text, loc)[0]?.licenses).toEqual(licenses);
  });

  it('normalises the purl name (PEP 503) and keeps the written name', () => {
    expect(parsePythonMetadata('Name: Zope.Interface_x\nVersion: 5.0\n', loc)[0]).toMatchObject({
      name: 'Zope.Interface_x',
      purl: 'pkg:pypi/zope-interface-x@5.0',
    });
  });

  it.each([
    ['no header', 'just text\n'],
    ['continuation first', '  x\nName: a\n'],
  ])('%s → INVENTORY_PARSE', (_name, text) => {
    expect(() => parsePythonMetadata(text, loc)).toThrow(
      expect.objectContaining({ code: 'INVENTORY_PARSE' }),
    );
  });

  it('no name or version → no package', () => {
    expect(parsePythonMetadata('Metadata-Version: 2.1\n', loc)).toEqual([]);
  });
});

describe('requirements.txt', () => {
  it('pip freeze output (real pip) matches pip list', () => {
    const freeze = execFileSync('pip', ['freeze', '--all'], { encoding: 'utf8' });
    const list = JSON.parse(execFileSync('pip', ['list', '--format=json'], { encoding: 'utf8' })) as {
      name: string;
      version: string;
    }[];
    const got = parseRequirements(freeze, loc).map((p) => `${normalizePypiName(p.name)}@${p.version}`);
    const pinned = new Set(
      freeze
        .split('\n')
        .filter((l) => l.includes('=='))
        .map((l) => normalizePypiName(l.split('==')[0] ?? '')),
    );
    const expected = list
      .filter((p) => pinned.has(normalizePypiName(p.name)))
      .map((p) => `${normalizePypiName(p.name)}@${p.version}`);
    expect(got.sort()).toEqual([...new Set(expected)].sort());
  });

  it('keeps exact pins only (inline)', () => {
    const text = [
      '# comment',
      'Django==3.2.1  # pinned',
      'requests[security]==2.25.0 ; python_version >= "3"',
      'flask>=1.0',
      'six===1.15.0',
      'numpy==1.*',
      'urllib3==1.26.4 \\',
      '    --hash=sha256:abc',
      '-r other.txt',
      '-e git+https://example.com/x.git#egg=x',
      'https://example.com/pkg.whl',
    ].join('\n');
    expect(parseRequirements(text, loc).map((p) => p.purl)).toEqual([
      'pkg:pypi/django@3.2.1',
      'pkg:pypi/requests@2.25.0',
      'pkg:pypi/urllib3@1.26.4',
    ]);
  });
});

// Synthetic: poetry, pipenv and uv cannot resolve offline (PyPI is unreachable here), so these
// lockfiles are written inline in each tool's documented format.
describe('Python lockfiles (synthetic inline text)', () => {
  it('poetry.lock: category, groups, local sources, edges', () => {
    const text = `
[[package]]
name = "Flask"
version = "1.0.0"
category = "main"

[package.dependencies]
click = ">=5.1"

[[package]]
name = "click"
version = "7.0"
category = "main"

[[package]]
name = "pytest"
version = "6.2.0"
groups = ["dev"]

[[package]]
name = "mylib"
version = "0.1.0"

[package.source]
type = "directory"
url = "../mylib"

[metadata]
lock-version = "2.0"
`;
    expect(summary(parsePoetryLock(text, loc))).toEqual([
      { purl: 'pkg:pypi/click@7.0', dev: false, dependsOn: [] },
      { purl: 'pkg:pypi/flask@1.0.0', dev: false, dependsOn: ['pkg:pypi/click@7.0'] },
      { purl: 'pkg:pypi/pytest@6.2.0', dev: true, dependsOn: [] },
    ]);
  });

  it('Pipfile.lock: default and develop; VCS entries skipped', () => {
    const text = JSON.stringify({
      _meta: {},
      default: { requests: { version: '==2.19.0' }, mygit: { git: 'https://x' } },
      develop: { pytest: { version: '==3.0.0' } },
    });
    expect(summary(parsePipfileLock(text, loc))).toEqual([
      { purl: 'pkg:pypi/pytest@3.0.0', dev: true, dependsOn: [] },
      { purl: 'pkg:pypi/requests@2.19.0', dev: false, dependsOn: [] },
    ]);
  });

  it('uv.lock: project skipped, dev-only from dev-dependencies, extras count as runtime', () => {
    const text = `
version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "httpx" }]

[package.optional-dependencies]
fast = [{ name = "orjson" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }, { name = "httpx" }]

[[package]]
name = "httpx"
version = "0.27.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "idna" }]

[[package]]
name = "idna"
version = "3.7"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "orjson"
version = "3.10.0"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.2.0"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "iniconfig" }]

[[package]]
name = "iniconfig"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
`;
    expect(summary(parseUvLock(text, loc))).toEqual([
      { purl: 'pkg:pypi/httpx@0.27.0', dev: false, dependsOn: ['pkg:pypi/idna@3.7'] },
      { purl: 'pkg:pypi/idna@3.7', dev: false, dependsOn: [] },
      { purl: 'pkg:pypi/iniconfig@2.0.0', dev: true, dependsOn: [] },
      { purl: 'pkg:pypi/orjson@3.10.0', dev: false, dependsOn: [] },
      { purl: 'pkg:pypi/pytest@8.2.0', dev: true, dependsOn: ['pkg:pypi/iniconfig@2.0.0'] },
    ]);
  });

  it.each([
    ['poetry.lock', (t: string) => parsePoetryLock(t, loc)],
    ['uv.lock', (t: string) => parseUvLock(t, loc)],
    ['Pipfile.lock', (t: string) => parsePipfileLock(t, loc)],
  ])('%s: invalid syntax → INVENTORY_PARSE', (_name, parse) => {
    expect(() => parse('[[package')).toThrow(expect.objectContaining({ code: 'INVENTORY_PARSE' }));
  });

  it('package count limit', () => {
    const text = '[[package]]\nname="a"\nversion="1"\n[[package]]\nname="b"\nversion="1"\n';
    expect(() => parsePoetryLock(text, loc, { ...DEFAULT_LANG_LIMITS, maxPackages: 1 })).toThrow(
      expect.objectContaining({ code: 'INVENTORY_LIMIT' }),
    );
  });
});

describe('python analyzers', () => {
  it.each([
    ['usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', true, false],
    ['usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO', true, false],
    ['usr/lib/python3/dist-packages/foo-1.0.egg-info', true, false],
    ['usr/lib/python3.11/site-packages/x-1.egg/EGG-INFO/PKG-INFO', true, false],
    ['usr/lib/python3/dist-packages/six-1.16.0.dist-info/RECORD', false, false],
    ['app/requirements.txt', false, true],
    ['app/requirements-dev.txt', false, true],
    ['app/poetry.lock', false, true],
    ['app/uv.lock', false, true],
    ['app/Pipfile.lock', false, true],
    ['app/notes.txt', false, false],
  ])('%s: installed %s, lockfile %s', (path, installed, lock) => {
    expect(pythonInstalledAnalyzer.wants(path, { size: 10, type: 'file' })).toEqual(installed);
    expect(pythonLockAnalyzer.wants(path, { size: 10, type: 'file' })).toEqual(lock);
    expect(isRequirementsFile(path)).toEqual(lock && path.endsWith('.txt'));
  });
});

describe('Python parsers: a value or a BosunError, within limits', () => {
  const limits = { ...DEFAULT_LANG_LIMITS, maxPackages: 300 };
  const metadata = readFileSync(join(DIST, 'cryptography-38.0.4.dist-info/METADATA'), 'utf8').slice(0, 3000);
  it.each([
    ['METADATA', (t: string) => parsePythonMetadata(t, loc), metadata],
    [
      'requirements',
      (t: string) => parseRequirements(t, loc, limits),
      'a==1\nb[x]==2 ; python_version>"3"\n',
    ],
    [
      'poetry.lock',
      (t: string) => parsePoetryLock(t, loc, limits),
      '[[package]]\nname = "a"\nversion = "1"\n[package.dependencies]\nb = "*"\n',
    ],
    [
      'uv.lock',
      (t: string) => parseUvLock(t, loc, limits),
      '[[package]]\nname = "a"\nversion = "1"\nsource = { editable = "." }\ndependencies = [{ name = "b" }]\n',
    ],
    [
      'Pipfile.lock',
      (t: string) => parsePipfileLock(t, loc, limits),
      '{"default":{"a":{"version":"==1"}},"develop":{}}',
    ],
  ])('%s', (_name, parse, seed) => {
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        const packages = valueOrBosunError(() => parse(text), ['INVENTORY_PARSE', 'INVENTORY_LIMIT']);
        if (packages !== undefined) expect(packages.length).toBeLessThanOrEqual(limits.maxPackages);
      }),
      { numRuns: 300 },
    );
  });
});
