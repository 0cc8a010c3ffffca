// Test support (not exported from index.ts): reads the shared conformance vectors of
// /work/shared/conformance/versions, which are never copied into the repository.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Ordering } from './types.ts';

/** The shared folder sits beside the repository root: src/vulndb/versions → ../../../../shared. */
export const CONFORMANCE_DIR = fileURLToPath(
  new URL('../../../../shared/conformance/versions/', import.meta.url),
);

export interface ConformanceLine {
  readonly text: string;
  readonly lineNumber: number;
  readonly a: string;
  readonly b: string;
  readonly expected: Ordering;
}

const RELATIONS: Readonly<Record<string, Ordering>> = { '<': -1, '=': 0, '>': 1 };

/** Lines `A < B`, `A = B`, `A > B`; `#` or `//` starts a comment; blank lines are skipped. */
export function readConformanceFile(name: string): ConformanceLine[] {
  const text = readFileSync(`${CONFORMANCE_DIR}${name}`, 'utf8');
  const lines: ConformanceLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('//')) return;
    const pieces = line.split(' ');
    const relation = RELATIONS[pieces[1] ?? ''];
    if (pieces.length !== 3 || relation === undefined) {
      throw new Error(`${name}:${index + 1}: malformed conformance line ${JSON.stringify(line)}`);
    }
    lines.push({
      text: line,
      lineNumber: index + 1,
      a: pieces[0] ?? '',
      b: pieces[2] ?? '',
      expected: relation,
    });
  });
  return lines;
}

export function listConformanceFiles(): string[] {
  return readdirSync(CONFORMANCE_DIR)
    .filter((f) => f.endsWith('.txt'))
    .sort();
}

/** Every distinct version string named in one file (seeds for the property tests). */
export function conformanceVersions(name: string): string[] {
  const seen = new Set<string>();
  for (const line of readConformanceFile(name)) {
    seen.add(line.a);
    seen.add(line.b);
  }
  return [...seen].sort();
}
