import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceVersions } from './conformance-fixtures.ts';
import { dpkgComparator } from './dpkg.ts';
import { mutate, pick, randomString, seededRandom } from './oracle-support.ts';
import type { Ordering } from './types.ts';

/** Upstream characters dpkg accepts without a warning, plus `~` and `+` that matter most. */
const UPSTREAM = '0123456789.+~abcxyzABZ';
const REVISION = '0123456789.+~abuntu';

function randomDebianVersion(random: () => number, realVersions: readonly string[]): string {
  if (random() < 0.35)
    return mutate(random, pick(random, realVersions), '0123456789.+~a').replace(/^[^0-9]+/, '1');
  const epoch = random() < 0.25 ? `${Math.floor(random() * 3)}:` : '';
  const upstream =
    String(Math.floor(random() * 12)) + randomString(random, UPSTREAM, Math.floor(random() * 7));
  const revision = random() < 0.6 ? `-${randomString(random, REVISION, 1 + Math.floor(random() * 5))}` : '';
  return epoch + upstream + revision;
}

/** dpkg's answer for each pair, from one shell loop (two dpkg runs per pair at most). */
function dpkgOracle(pairs: readonly (readonly [string, string])[]): Ordering[] {
  const dir = mkdtempSync(join(tmpdir(), 'bosun-dpkg-'));
  try {
    const input = join(dir, 'pairs.tsv');
    writeFileSync(input, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
    const script = `while IFS=$'\\t' read -r a b; do
      if dpkg --compare-versions "$a" lt "$b" 2>/dev/null; then echo "-1"
      elif dpkg --compare-versions "$a" eq "$b" 2>/dev/null; then echo "0"
      else echo "1"; fi
    done < "$1"`;
    const out = execFileSync('bash', ['-c', script, 'oracle', input], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    return out
      .trim()
      .split('\n')
      .map((l) => Number(l) as Ordering);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('dpkg comparator against `dpkg --compare-versions`', () => {
  it('orders 2,000 generated pairs exactly as dpkg does', () => {
    const random = seededRandom(0x0dbd);
    const real = conformanceVersions('debian-versions-generated.txt');
    const pairs: [string, string][] = [];
    while (pairs.length < 2000) {
      const a = randomDebianVersion(random, real);
      const b =
        random() < 0.5
          ? mutate(random, a, '0123456789.+~-a').replace(/^[^0-9]+/, '1')
          : randomDebianVersion(random, real);
      // Keep to strings dpkg parses without error: the oracle answers "1" for an error.
      try {
        dpkgComparator.parse(a);
        dpkgComparator.parse(b);
      } catch {
        continue;
      }
      pairs.push([a, b]);
    }
    const expected = dpkgOracle(pairs);
    expect(expected).toHaveLength(pairs.length);
    const mismatches = pairs
      .map(([a, b], i) => ({ a, b, dpkg: expected[i], bosun: dpkgComparator.compare(a, b) }))
      .filter((r) => r.dpkg !== r.bosun);
    expect(mismatches).toEqual([]);
    // The generator must exercise all three answers.
    expect(new Set(expected)).toEqual(new Set([-1, 0, 1]));
  });

  it.each([
    ['1.0 2', false],
    ['a:1.0', false],
    ['1:', false],
    ['1.0-', false],
    ['-1', false],
    ['99999999999:1', false],
    ['1:1.0-1', true],
    ['1.0~rc1+dfsg-1ubuntu0.1', true],
    ['abc', true],
    // (dpkg --compare-versions reads "" as "no version", below all others; Bosun rejects it.)
  ])('accepts %j exactly when dpkg does (%s)', (version, valid) => {
    let dpkgAccepts = true;
    try {
      execFileSync('dpkg', ['--compare-versions', version, 'eq', version], { stdio: 'ignore' });
    } catch (error) {
      // Exit 1 is "not equal"; dpkg exits 2 (or 255 on older releases) for a version it rejects.
      dpkgAccepts = (error as { status?: number }).status === 1;
    }
    expect(dpkgAccepts).toBe(valid);
    if (valid) {
      expect(dpkgComparator.parse(version).original).toBe(version);
    } else {
      expect(() => dpkgComparator.parse(version)).toThrow(
        expect.objectContaining({ code: 'VULNDB_VERSION_INVALID' }),
      );
    }
  });
});
