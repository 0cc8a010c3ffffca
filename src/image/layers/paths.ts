/**
 * Normalisation of archive entry names. Names are untrusted: `../../etc/passwd` or `/etc/x` must
 * never address anything outside the image root. Bosun never writes entries anywhere, but a path
 * that climbs above the root is reported as unsafe rather than silently clamped, so the finding is
 * visible.
 */

/** `undefined` when the path climbs above the root; `''` for the root itself. */
export function normaliseEntryPath(name: string): string | undefined {
  const out: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(segment);
  }
  return out.join('/');
}

/** Parent directory of a normalised path (`''` for top-level entries). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Last segment of a normalised path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}
