/**
 * What one pass over one layer yields, independent of every other layer: the entries needed to
 * replay the layer over lower ones (paths, types, link targets, whiteouts, opaque markers) and
 * the analyzer results for each wanted file. Plain data, so it is cached per layer (by diff-id
 * and analyzer versions) and read back without touching the layer again.
 */
import type { AnalyzerResult } from '../analyzer.ts';
import type { InventoryIssue } from '../types.ts';

export type RecordEntryType = 'file' | 'dir' | 'symlink' | 'hardlink' | 'other' | 'whiteout' | 'opaque';

/** One tar entry, as far as the merge needs it. */
export interface RecordEntry {
  readonly path: string;
  readonly type: RecordEntryType;
  readonly linkTarget?: string;
}

/** One analyzer's non-empty result for one file of the layer. */
export interface FileResult {
  readonly analyzer: string;
  readonly path: string;
  readonly result: AnalyzerResult;
  /**
   * `result.ownedFiles` as read from the cache, still packed (see `packPaths`): a Debian root
   * owns ~150k paths and the merge needs a handful, so they are unpacked only where needed.
   */
  readonly ownedPacked?: string;
}

/** The OS-owned paths a result names, as a list or packed. */
export type OwnedPaths =
  | { readonly kind: 'list'; readonly paths: readonly string[] }
  | { readonly kind: 'packed'; readonly packed: string };

export function ownedPathsOf(file: FileResult): OwnedPaths | undefined {
  if (file.ownedPacked !== undefined) return { kind: 'packed', packed: file.ownedPacked };
  const paths = file.result.ownedFiles;
  return paths === undefined || paths.length === 0 ? undefined : { kind: 'list', paths };
}

export interface LayerRecord {
  /** Uncompressed digest: the verified diff-id, or the one computed during the walk. */
  readonly diffId: string | undefined;
  readonly entries: readonly RecordEntry[];
  readonly results: readonly FileResult[];
  /** Problems with entries of the layer (unsafe paths, skipped entries). */
  readonly issues: readonly InventoryIssue[];
  readonly uncompressedBytes: number;
}

/** One character per type; upper case so it cannot be mistaken for a base-36 prefix length. */
const TYPE_CHAR: Readonly<Record<RecordEntryType, string>> = {
  file: 'F',
  dir: 'D',
  symlink: 'S',
  hardlink: 'H',
  other: 'O',
  whiteout: 'W',
  opaque: 'Q',
};
const TYPE_BY_CHAR = new Map(
  Object.entries(TYPE_CHAR).map(([type, char]) => [char, type as RecordEntryType]),
);

/**
 * Front-coded entries for the cache file: `<shared prefix length, base 36><type char><rest of
 * path>[NUL<link target>]`. Tar paths are sorted-ish, so this shrinks a node_modules layer ~3x.
 * Tar names end at NUL, so NUL cannot occur in a path or a link target.
 */
export function encodeEntries(entries: readonly RecordEntry[]): string[] {
  const out: string[] = [];
  let previous = '';
  for (const entry of entries) {
    const max = Math.min(previous.length, entry.path.length);
    let shared = 0;
    while (shared < max && previous.charCodeAt(shared) === entry.path.charCodeAt(shared)) shared++;
    const link = entry.linkTarget === undefined ? '' : `\u0000${entry.linkTarget}`;
    out.push(`${shared.toString(36)}${TYPE_CHAR[entry.type]}${entry.path.slice(shared)}${link}`);
    previous = entry.path;
  }
  return out;
}

/** The inverse of `encodeEntries`; `undefined` when an item is malformed (a corrupt cache file). */
export function decodeEntries(items: readonly unknown[]): RecordEntry[] | undefined {
  const out: RecordEntry[] = [];
  let previous = '';
  for (const item of items) {
    if (typeof item !== 'string') return undefined;
    const match = /^([0-9a-z]{1,4})([A-Z])/.exec(item);
    if (match === null) return undefined;
    const shared = parseInt(match[1] as string, 36);
    const type = TYPE_BY_CHAR.get(match[2] as string);
    if (type === undefined || shared > previous.length) return undefined;
    const rest = item.slice(match[0].length);
    const nul = rest.indexOf('\u0000');
    const path = previous.slice(0, shared) + (nul < 0 ? rest : rest.slice(0, nul));
    // Only the opaque marker of the layer root has an empty path.
    if (path === '' && type !== 'opaque') return undefined;
    out.push(nul < 0 ? { path, type } : { path, type, linkTarget: rest.slice(nul + 1) });
    previous = path;
  }
  return out;
}

/**
 * A list of paths front-coded into one string (`<shared prefix length, base 36> <rest>` per line):
 * dpkg file lists are sorted, so a Debian root's ~150k owned paths pack ~4x smaller, and one
 * string parses far faster than as many JSON strings. Paths never contain a newline here (the
 * lists are newline-separated files themselves).
 */
export function packPaths(paths: readonly string[]): string {
  let previous = '';
  const lines: string[] = [];
  for (const path of paths) {
    const max = Math.min(previous.length, path.length);
    let shared = 0;
    while (shared < max && previous.charCodeAt(shared) === path.charCodeAt(shared)) shared++;
    lines.push(`${shared.toString(36)} ${path.slice(shared)}`);
    previous = path;
  }
  return lines.join('\n');
}

/** The inverse of `packPaths`; `undefined` when malformed. */
export function unpackPaths(packed: string): string[] | undefined {
  if (packed === '') return [];
  const out: string[] = [];
  let previous = '';
  let at = 0;
  while (at <= packed.length) {
    let end = packed.indexOf('\n', at);
    if (end < 0) end = packed.length;
    // `<base-36 digits> <rest>`, at most 4 digits (paths are under 4096 bytes).
    let shared = 0;
    let digits = 0;
    let code = packed.charCodeAt(at);
    while (digits < 5 && ((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) {
      shared = shared * 36 + (code <= 57 ? code - 48 : code - 87);
      code = packed.charCodeAt(at + ++digits);
    }
    if (digits === 0 || digits > 4 || code !== 32 || shared > previous.length) return undefined;
    previous = previous.slice(0, shared) + packed.slice(at + digits + 1, end);
    out.push(previous);
    at = end + 1;
  }
  return out;
}

/**
 * Whether `packed` is well formed for `unpackPaths` (it then cannot fail), checked from lengths
 * alone so a cache read does not build every path.
 */
export function isPackedPaths(packed: string): boolean {
  if (packed === '') return true;
  let previousLength = 0;
  let at = 0;
  while (at <= packed.length) {
    let end = packed.indexOf('\n', at);
    if (end < 0) end = packed.length;
    let shared = 0;
    let digits = 0;
    let code = packed.charCodeAt(at);
    while (digits < 5 && ((code >= 48 && code <= 57) || (code >= 97 && code <= 122))) {
      shared = shared * 36 + (code <= 57 ? code - 48 : code - 87);
      code = packed.charCodeAt(at + ++digits);
    }
    if (digits === 0 || digits > 4 || code !== 32 || shared > previousLength) return false;
    previousLength = shared + (end - at - digits - 1);
    at = end + 1;
  }
  return true;
}

/** True when the result carries nothing (it is then not recorded). */
export function isEmptyResult(result: AnalyzerResult): boolean {
  return (
    result.packages.length === 0 &&
    result.issues.length === 0 &&
    result.os === undefined &&
    (result.ownedFiles?.length ?? 0) === 0 &&
    (result.facts?.length ?? 0) === 0 &&
    (result.modelFiles?.length ?? 0) === 0
  );
}
