import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isVersionAffected, isVersionInRange, type OsvRange, type OsvRangeEvent } from './range.ts';
import { comparatorForEcosystem, versionComparators } from './registry.ts';

const semver = versionComparators.npm;
const dpkg = versionComparators.Debian;

function range(...events: OsvRangeEvent[]): OsvRange {
  return { type: 'ECOSYSTEM', events };
}

describe('isVersionInRange (OSV evaluation algorithm)', () => {
  it.each([
    // introduced "0" means every version
    ['0.0.1', range({ introduced: '0' }), true],
    ['0.0.0-alpha', range({ introduced: '0' }), true],
    ['0.0.1', range({ introduced: '0' }, { fixed: '1.0.2' }), true],
    ['1.0.2', range({ introduced: '0' }, { fixed: '1.0.2' }), false],
    ['1.0.2-rc.1', range({ introduced: '0' }, { fixed: '1.0.2' }), true],
    // two intervals, events out of order in the record
    [
      '1.0.1',
      range({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
      true,
    ],
    [
      '2.0.0',
      range({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
      false,
    ],
    [
      '3.0.0',
      range({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
      true,
    ],
    [
      '3.2.5',
      range({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
      false,
    ],
    ['0.9.0', range({ introduced: '1.0.0' }, { fixed: '1.0.2' }), false],
    // last_affected is inclusive
    ['2.1.214', range({ introduced: '0' }, { last_affected: '2.1.214' }), true],
    ['2.1.215', range({ introduced: '0' }, { last_affected: '2.1.214' }), false],
    // limit: the version must be below a limit; "*" is infinity
    ['1.5.0', range({ introduced: '1.0.0' }, { limit: '2.0.0' }), true],
    ['2.0.0', range({ introduced: '1.0.0' }, { limit: '2.0.0' }), false],
    ['9.0.0', range({ introduced: '1.0.0' }, { limit: '*' }), true],
    ['3.0.0', range({ introduced: '1.0.0' }, { limit: '2.0.0' }, { limit: '4.0.0' }), true],
    // introduced and fixed at the same version: nothing is affected
    ['1.0.0', range({ introduced: '1.0.0' }, { fixed: '1.0.0' }), false],
    // build metadata does not change SemVer precedence
    ['1.0.2+build.5', range({ introduced: '0' }, { fixed: '1.0.2' }), false],
    // GIT ranges never match a package version
    ['1.0.0', { type: 'GIT', repo: 'https://example.invalid/r.git', events: [{ introduced: '0' }] }, false],
    // no events
    ['1.0.0', range(), false],
  ])('%s in %j → %s', (version, r, expected) => {
    expect(isVersionInRange(version, r, semver)).toBe(expected);
  });

  it.each([
    ['1:1.0-1', range({ introduced: '0' }, { fixed: '2.0-1' }), false],
    ['1.2.3-1~deb12u1', range({ introduced: '0' }, { fixed: '1.2.3-1' }), true],
    ['1.2.3-1+deb12u1', range({ introduced: '0' }, { fixed: '1.2.3-1' }), false],
  ])('Debian %s in %j → %s', (version, r, expected) => {
    expect(isVersionInRange(version, r, dpkg)).toBe(expected);
  });

  it('throws VULNDB_VERSION_INVALID for an unreadable version or event', () => {
    const code = expect.objectContaining({ code: 'VULNDB_VERSION_INVALID' });
    expect(() => isVersionInRange('not.a.version!', range({ introduced: '0' }), semver)).toThrow(code);
    expect(() => isVersionInRange('1.0.0', range({ introduced: '0' }, { fixed: 'x!y' }), semver)).toThrow(
      code,
    );
  });
});

describe('isVersionAffected', () => {
  it.each([
    ['1.0.0', { versions: ['1.0.0'] }, true],
    ['1.0.0', { versions: ['1.0.1'] }, false],
    ['1.0.0', { versions: ['garbage!'], ranges: [range({ introduced: '0' }, { fixed: '1.0.0' })] }, false],
    [
      '1.0.0',
      { ranges: [range({ introduced: '2.0.0' }), range({ introduced: '0' }, { fixed: '1.1.0' })] },
      true,
    ],
    ['1.0.0', {}, false],
  ])('%s in %j → %s', (version, affected, expected) => {
    expect(isVersionAffected(version, affected, semver)).toBe(expected);
  });

  it('matches an explicit Debian version that is equal but spelled differently', () => {
    expect(isVersionAffected('0:1.0-1', { versions: ['1.0-1'] }, dpkg)).toBe(true);
  });
});

interface OsvRecord {
  readonly id: string;
  readonly affected?: readonly {
    readonly package?: { readonly ecosystem?: string };
    readonly ranges?: readonly OsvRange[];
    readonly versions?: readonly string[];
  }[];
}

const OSV_DIR = fileURLToPath(new URL('../../../../shared/osv/', import.meta.url));

describe.each(['go', 'pypi', 'ghsa'])('real OSV records in shared/osv/%s', (folder) => {
  it('reads every event version and never counts a fixed version as affected by its own range', () => {
    const problems: string[] = [];
    let checked = 0;
    for (const file of readdirSync(`${OSV_DIR}${folder}`).filter((f) => f.endsWith('.json'))) {
      const record = JSON.parse(readFileSync(`${OSV_DIR}${folder}/${file}`, 'utf8')) as OsvRecord;
      for (const affected of record.affected ?? []) {
        const comparator = comparatorForEcosystem(affected.package?.ecosystem ?? '');
        if (comparator === undefined) {
          problems.push(`${record.id}: no comparator for ${affected.package?.ecosystem}`);
          continue;
        }
        for (const r of affected.ranges ?? []) {
          for (const event of r.events) {
            const fixed = event.fixed;
            if (fixed === undefined) continue;
            checked++;
            try {
              if (isVersionInRange(fixed, r, comparator))
                problems.push(`${record.id}: fixed ${fixed} is affected`);
            } catch (error) {
              problems.push(`${record.id}: ${(error as Error).message}`);
            }
          }
        }
      }
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
