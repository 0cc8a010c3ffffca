/**
 * Replays layer entries in order (whiteouts, opaque directories, replaced files and parents) and
 * follows every analyzed path through the layers: which version of each file is in the final
 * filesystem, and which earlier versions it continues. A package is attributed to the earliest
 * layer from which it stayed present, version after version, in the same file until the end
 * (dpkg rewrites `status` in every layer that installs something; a package in the base layer's
 * status and still in the last one was introduced by the base layer).
 */
import { MergedFilesystem, type LayerEntry, type MergeIssue } from '../../image/index.ts';
import type { FileResult, LayerRecord, RecordEntry } from './layer-record.ts';

export interface HistoryLayer {
  readonly digest?: string;
  readonly diffId?: string;
  readonly record: LayerRecord;
}

/** A file result that is part of the final filesystem, with the layer (position) it is in. */
export interface SurvivingResult {
  readonly layer: number;
  readonly file: FileResult;
}

export interface FileHistory {
  /** The final filesystem (for symlink resolution). */
  readonly fs: MergedFilesystem;
  readonly surviving: readonly SurvivingResult[];
  readonly mergeIssues: readonly MergeIssue[];
  /**
   * The earliest layer from which the package `key`, reported by `analyzer` for the file at
   * `path` in layer `layer`, was present in every version of that file up to `layer`.
   */
  introducedIn(path: string, analyzer: string, layer: number, key: string): number;
}

function layerEntry(entry: RecordEntry): LayerEntry {
  return {
    path: entry.path,
    type: entry.type,
    size: 0,
    mode: 0,
    uid: 0,
    gid: 0,
    mtime: 0,
    ...(entry.linkTarget === undefined ? {} : { linkTarget: entry.linkTarget }),
  };
}

/** Package identity within one file across layers. */
export function packageKey(pkg: { readonly purl: string }): string {
  return pkg.purl;
}

/**
 * Entry types replayed whatever their path: directories and symlinks (a later file may land
 * through a symlinked parent), deletions, and hard links (whose targets are kept too).
 */
const KEEP_ALWAYS: ReadonlySet<RecordEntry['type']> = new Set([
  'dir',
  'symlink',
  'hardlink',
  'whiteout',
  'opaque',
]);

/**
 * Regular files matter only where a result was recorded, on the way to one (a file replacing
 * a directory), or as a hard link's target; the rest (most of an image) is not replayed.
 */
function relevantPaths(layers: readonly HistoryLayer[], analyzed: Iterable<string>): Set<string> {
  const relevant = new Set<string>();
  const addWithParents = (path: string): void => {
    for (let end = path.length; end > 0; end = path.lastIndexOf('/', end - 1)) {
      const prefix = path.slice(0, end);
      if (relevant.has(prefix)) return;
      relevant.add(prefix);
    }
  };
  for (const path of analyzed) addWithParents(path);
  for (const { record } of layers)
    for (const entry of record.entries)
      if (entry.type === 'hardlink' && entry.linkTarget !== undefined) addWithParents(entry.linkTarget);
  return relevant;
}

export function buildFileHistory(layers: readonly HistoryLayer[]): FileHistory {
  // path → layer position → results for that file in that layer.
  const resultsAt = new Map<string, Map<number, FileResult[]>>();
  layers.forEach(({ record }, layer) => {
    for (const file of record.results) {
      let byLayer = resultsAt.get(file.path);
      if (byLayer === undefined) resultsAt.set(file.path, (byLayer = new Map()));
      let list = byLayer.get(layer);
      if (list === undefined) byLayer.set(layer, (list = []));
      list.push(file);
    }
  });
  // Paths analyzed in more than one layer need their state after every layer (for attribution).
  const multi = [...resultsAt].filter(([, byLayer]) => byLayer.size > 1).map(([path]) => path);
  const states = new Map<string, (number | undefined)[]>(multi.map((path) => [path, []]));

  const relevant = relevantPaths(layers, resultsAt.keys());
  const fs = new MergedFilesystem();
  const versionOf = (path: string): number | undefined => {
    const entry = fs.get(path) ?? fs.resolvePath(path, { followFinal: false })?.entry;
    if (entry?.type !== 'file' || entry.content?.path !== path) return undefined;
    return resultsAt.get(path)?.has(entry.layerIndex) === true ? entry.layerIndex : undefined;
  };
  layers.forEach(({ record, digest, diffId }, layer) => {
    const ref = {
      index: layer,
      ...(digest === undefined ? {} : { digest }),
      ...(diffId === undefined ? {} : { diffId }),
    };
    for (const entry of record.entries)
      if (KEEP_ALWAYS.has(entry.type) || relevant.has(entry.path)) fs.add(ref, layerEntry(entry));
    for (const path of multi) states.get(path)?.push(versionOf(path));
  });

  const surviving: SurvivingResult[] = [];
  for (const [path, byLayer] of resultsAt) {
    const layer = versionOf(path);
    if (layer === undefined) continue;
    for (const file of byLayer.get(layer) ?? []) surviving.push({ layer, file });
  }
  surviving.sort((a, b) => a.layer - b.layer || compare(a.file.path, b.file.path));

  const keysCache = new Map<string, Set<string>>();
  const keysOf = (path: string, analyzer: string, layer: number): Set<string> => {
    const id = `${layer}\u0000${analyzer}\u0000${path}`;
    let keys = keysCache.get(id);
    if (keys === undefined) {
      keys = new Set(
        (resultsAt.get(path)?.get(layer) ?? [])
          .filter((file) => file.analyzer === analyzer)
          .flatMap((file) => file.result.packages.map(packageKey)),
      );
      keysCache.set(id, keys);
    }
    return keys;
  };

  return {
    fs,
    surviving,
    mergeIssues: fs.issues,
    introducedIn(path, analyzer, layer, key) {
      const history = states.get(path);
      let current = layer;
      while (history !== undefined && current > 0) {
        const before = history[current - 1];
        if (before === undefined || !keysOf(path, analyzer, before).has(key)) break;
        current = before;
      }
      return current;
    },
  };
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
