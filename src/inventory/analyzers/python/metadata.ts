/**
 * Core metadata of an installed distribution (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`, a
 * bare `*.egg-info` file): RFC 822-style headers up to the first blank line
 * (https://packaging.python.org/en/latest/specifications/core-metadata/).
 */
import type { Package, PackageLocation } from '../../types.ts';
import { checkLimit, parseError } from '../lang-common/limits.ts';
import { linesOf } from '../lang-common/text.ts';
import { pypiPackage } from './pypi-package.ts';

const MAX_HEADERS = 10_000;

/** Header name (lower case) → values in order. Continuation lines (leading space/tab) join the previous value. */
export function parseMetadataHeaders(text: string, input: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { values: string[]; index: number } | undefined;
  let count = 0;
  for (const line of linesOf(text)) {
    if (line.length === 0) break;
    if (line.startsWith(' ') || line.startsWith('\t')) {
      if (last === undefined) throw parseError(input, 'metadata continuation line before any header');
      last.values[last.index] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw parseError(input, 'metadata line is not a header');
    checkLimit(input, 'metadata headers', ++count, MAX_HEADERS);
    const key = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(key) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(key, values);
    last = { values, index: values.length - 1 };
  }
  return headers;
}

/**
 * Licenses in order of precision: PEP 639 `License-Expression`; a short one-line `License` (many
 * projects paste the whole license text there, which is not a license name); else the last part of
 * `License ::` classifiers.
 */
export function metadataLicenses(headers: Map<string, string[]>): string[] {
  const expression = headers.get('license-expression')?.[0];
  if (expression !== undefined && expression.length > 0) return [expression];
  const license = headers.get('license')?.[0];
  if (license !== undefined && license.length > 0 && license.length <= 120 && !license.includes('\n')) {
    if (license.toUpperCase() !== 'UNKNOWN') return [license];
  }
  return (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').at(-1)?.trim() ?? '')
    .filter((c) => c.length > 0 && c !== 'OSI Approved');
}

export function parsePythonMetadata(text: string, location: PackageLocation): Package[] {
  const headers = parseMetadataHeaders(text, location.path);
  const name = headers.get('name')?.[0];
  const version = headers.get('version')?.[0];
  if (name === undefined || version === undefined) return [];
  const pkg = pypiPackage(name, version, location, { licenses: metadataLicenses(headers) });
  return pkg === undefined ? [] : [pkg];
}
