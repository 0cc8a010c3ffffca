import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceVersions } from './conformance-fixtures.ts';
import { mutate, pick, randomString, seededRandom } from './oracle-support.ts';
import { rpmComparator } from './rpm.ts';
import type { Ordering } from './types.ts';

function hasRpm(): boolean {
  try {
    execFileSync('rpm', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const ALPHABET = '0123456789.~^_+-:abcelXYZ';

function randomRpmVersion(random: () => number, realVersions: readonly string[]): string {
  if (random() < 0.3) return mutate(random, pick(random, realVersions), ALPHABET);
  const epoch = random() < 0.25 ? `${Math.floor(random() * 3)}:` : '';
  const version =
    String(Math.floor(random() * 12)) + randomString(random, ALPHABET, Math.floor(random() * 8));
  const release =
    random() < 0.5 ? `-${randomString(random, '0123456789.~^el', 1 + Math.floor(random() * 5))}` : '';
  return epoch + version + release;
}

/** rpm's own answer (`rpm.vercmp`, rpm ≥ 4.16), for every pair in one rpm run through its Lua interpreter. */
function rpmOracle(pairs: readonly (readonly [string, string])[]): Ordering[] {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-rpm-'));
  try {
    const input = join(dir, 'pairs.tsv');
    writeFileSync(input, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
    const lua = `%{lua: for l in io.lines('${input}') do local a, b = l:match('^(.-)\\t(.*)$'); print(rpm.vercmp(a, b) .. '\\n') end}`;
    const out = execFileSync('rpm', ['--eval', lua], { encoding: 'utf8', maxBuffer: 1 << 24 });
    return out
      .trim()
      .split('\n')
      .map((l) => Number(l) as Ordering);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasRpm())('rpm comparator against rpm.vercmp (Debian package `rpm`)', () => {
  it('orders 20,000 generated pairs exactly as rpm does', () => {
    const random = seededRandom(0x4e5e);
    const real = conformanceVersions('redhat-versions.txt');
    const pairs: [string, string][] = [];
    while (pairs.length < 20_000) {
      const a = randomRpmVersion(random, real);
      const b = random() < 0.5 ? mutate(random, a, ALPHABET) : randomRpmVersion(random, real);
      // rpm.vercmp rejects an empty string; whitespace would break the line format.
      if (a === '' || b === '' || /\s/.test(a + b)) continue;
      pairs.push([a, b]);
    }
    const expected = rpmOracle(pairs);
    expect(expected).toHaveLength(pairs.length);
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, rpm: expected[i], bosun: rpmComparator.compare(a, b) }))
      .filter((r) => r.rpm !== r.bosun);
    expect(mismatches.slice(0, 20)).toEqual([]);
    expect(new Set(expected)).toEqual(new Set([-1, 0, 1]));
  });
});
