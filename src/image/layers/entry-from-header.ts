import type { TarHeader } from './tar-header.ts';
import { baseName, normaliseEntryPath, parentPath } from './paths.ts';
import type { LayerEntry, LayerEntryType, LayerIssue } from './types.ts';

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE = '.wh..wh..opq';

function tarType(typeflag: string): LayerEntryType {
  switch (typeflag) {
    case '0':
    case '7':
      return 'file';
    case '1':
      return 'hardlink';
    case '2':
      return 'symlink';
    case '5':
      return 'dir';
    default:
      // Devices, FIFOs, GNU sparse/volume/multi-volume and unknown types: present, never read.
      return 'other';
  }
}

function unsafe(name: string, what: string): LayerIssue {
  const shown = name.length > 200 ? `${name.slice(0, 200)}...` : name;
  return { code: 'LAYER_PATH_UNSAFE', path: shown, message: `${what} climbs above the image root: ${shown}` };
}

/**
 * Turns a decoded tar header into a layer entry: normalised path, entry type, whiteouts.
 * Returns an issue instead when the name (or a hard link's target) escapes the root; returns
 * `undefined` for the root directory itself and for AUFS bookkeeping (`.wh..wh.*` other than
 * the opaque marker), which carry nothing.
 */
export function entryFromHeader(header: TarHeader): LayerEntry | LayerIssue | undefined {
  const path = normaliseEntryPath(header.name);
  if (path === undefined) return unsafe(header.name, 'entry');
  if (path === '') return undefined;
  let type = tarType(header.typeflag);
  let entryPath = path;
  const base = baseName(path);
  if (base.startsWith(WHITEOUT_PREFIX)) {
    if (base === OPAQUE) {
      type = 'opaque';
      entryPath = parentPath(path);
    } else if (base.startsWith(`${WHITEOUT_PREFIX}${WHITEOUT_PREFIX}`)) {
      return undefined;
    } else {
      type = 'whiteout';
      const parent = parentPath(path);
      entryPath = parent === '' ? base.slice(4) : `${parent}/${base.slice(4)}`;
      if (base.length === 4 || base === '.wh..' || base === '.wh...') return unsafe(header.name, 'whiteout');
    }
  }
  let linkTarget: string | undefined;
  if (type === 'symlink') linkTarget = header.linkname;
  if (type === 'hardlink') {
    linkTarget = normaliseEntryPath(header.linkname);
    if (linkTarget === undefined || linkTarget === '') return unsafe(header.linkname, 'hard link target');
  }
  return {
    path: entryPath,
    type,
    size: type === 'file' ? header.size : 0,
    mode: header.mode,
    uid: header.uid,
    gid: header.gid,
    mtime: header.mtime,
    ...(linkTarget === undefined ? {} : { linkTarget }),
  };
}

export function isIssue(value: LayerEntry | LayerIssue): value is LayerIssue {
  return 'code' in value;
}
