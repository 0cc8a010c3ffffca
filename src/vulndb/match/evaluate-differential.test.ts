import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { comparatorForEcosystem, isVersionAffected, type OsvRange } from '../versions/index.ts';
import { parseStoredAffected, serializeStoredAffected, storedAffected } from '../db/stored-affected.ts';
import { parseOsvRecord } from '../osv/parse-osv.ts';
import { evaluateAffected } from './evaluate-affected.ts';

const SHARED_OSV = fileURLToPath(new URL('../../../../shared/osv', import.meta.url));

/**
 * Matching evaluates ranges pre-sorted at import (db/stored-affected.ts) for speed; the versions
 * module's `isVersionAffected` is the plain reading of the schema's pseudocode. On every real
 * record, for every version the record itself names (each event, each listed version), both
 * must agree.
 */
describe('evaluateAffected agrees with versions/isVersionAffected on real records', () => {
  it.each(['go', 'pypi', 'ghsa'])('shared/osv/%s', (folder) => {
    let checked = 0;
    const disagreements: string[] = [];
    for (const file of readdirSync(join(SHARED_OSV, folder))) {
      const record = parseOsvRecord(readFileSync(join(SHARED_OSV, folder, file)), file);
      for (const affected of record.affected) {
        const comparator = comparatorForEcosystem(affected.ecosystem);
        if (comparator === undefined) continue;
        const stored = parseStoredAffected(serializeStoredAffected(storedAffected(affected, comparator)));
        const ranges: OsvRange[] = affected.ranges.map((range) => ({
          type: range.type,
          events: range.events.map((event) => ({ [event.kind]: event.version })),
        }));
        const candidates = new Set([
          ...affected.ranges.flatMap((range) => range.events.map((event) => event.version)),
          ...affected.versions.slice(0, 20),
        ]);
        candidates.delete('0');
        for (const version of candidates) {
          let expected: boolean;
          try {
            expected = isVersionAffected(version, { ranges, versions: affected.versions }, comparator);
          } catch {
            continue; // an unreadable version or event: the oracle refuses, matching skips that range
          }
          const actual = evaluateAffected(stored, version, comparator) !== undefined;
          checked++;
          if (actual !== expected)
            disagreements.push(`${record.id} ${affected.name} ${version}: ${actual} vs ${expected}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
    expect(checked).toBeGreaterThan(40);
  });
});
