/**
 * The final filesystem of an image: layers applied in order, as overlayfs and containerd do it.
 * OCI image spec "Whiteouts": a whiteout deletes the path and everything beneath it from LOWER
 * layers only; an opaque marker hides a directory's children from lower layers; entries of the
 * same layer are never hidden by that layer's own whiteouts, whatever their order in the tar.
 * Nothing is read or written: this is bookkeeping over entries a walker reported.
 */
import { BosunError } from '../../util/errors.ts';
import type { LayerEntry } from './types.ts';

/** Which layer an entry came from. `index` is the position in the manifest (0 = base). */
export interface LayerRef {
  readonly index: number;
  readonly digest?: string;
  readonly diffId?: string;
}

/** Where a regular file's bytes are: the layer and path of the tar entry that carries them. */
export interface ContentRef {
  readonly path: string;
  readonly layerIndex: number;
  readonly layerDigest?: string;
  readonly diffId?: string;
}

export interface MergedEntry {
  readonly path: string;
  readonly type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  readonly layerIndex: number;
  readonly layerDigest?: string;
  readonly diffId?: string;
  readonly size: number;
  readonly mode: number;
  /** Symlink target as written, or a hard link's (normalised) target path. */
  readonly linkTarget?: string;
  /** Files and resolved hard links: where the bytes are. Absent for a dangling hard link. */
  readonly content?: ContentRef;
}

export interface MergeIssue {
  readonly code: 'HARDLINK_DANGLING' | 'PARENT_NOT_DIRECTORY';
  readonly path: string;
  readonly layerIndex: number;
  readonly message: string;
}

interface Node {
  entry?: MergedEntry;
  children?: Map<string, Node>;
}

const DEFAULT_MAX_HOPS = 40; // Linux MAXSYMLINKS

function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

export class MergedFilesystem {
  private readonly root: Node = {};
  private lastIndex = -1;
  readonly issues: MergeIssue[] = [];

  /** Applies one entry of `layer`. Layers must come in order (entries of a layer in any order). */
  add(layer: LayerRef, entry: LayerEntry): void {
    if (layer.index < this.lastIndex) {
      throw new BosunError(
        'INTERNAL',
        `layers applied out of order (${layer.index} after ${this.lastIndex})`,
      );
    }
    this.lastIndex = layer.index;
    switch (entry.type) {
      case 'whiteout': {
        const found = this.find(segmentsOf(entry.path));
        if (found !== undefined) this.removeLower(found.parent, found.name, layer.index);
        return;
      }
      case 'opaque': {
        const node = entry.path === '' ? this.root : this.find(segmentsOf(entry.path))?.node;
        for (const name of [...(node?.children?.keys() ?? [])])
          this.removeLower(node as Node, name, layer.index);
        return;
      }
      default:
        this.put(layer, entry);
    }
  }

  /** Convenience: applies a whole layer's entries. */
  addAll(layer: LayerRef, entries: Iterable<LayerEntry>): void {
    for (const entry of entries) this.add(layer, entry);
  }

  /** The entry at exactly this path (no symlink following). */
  get(path: string): MergedEntry | undefined {
    return this.find(segmentsOf(path))?.node.entry;
  }

  /** Every entry of the final filesystem, sorted by path. */
  entries(): Map<string, MergedEntry> {
    const out = new Map<string, MergedEntry>();
    const visit = (node: Node): void => {
      if (node.entry !== undefined) out.set(node.entry.path, node.entry);
      if (node.children === undefined) return;
      for (const name of [...node.children.keys()].sort()) visit(node.children.get(name) as Node);
    };
    visit(this.root);
    return out;
  }

  /**
   * Follows symlinks inside the image, as a process chrooted into it would: absolute targets
   * start at the image root and `..` never climbs above it, so nothing outside is reachable.
   * Returns the resolved path and its entry, or undefined when a component is missing or more
   * than `maxHops` links were followed (a loop).
   */
  resolvePath(
    path: string,
    options: { readonly maxHops?: number; readonly followFinal?: boolean } = {},
  ): { readonly path: string; readonly entry: MergedEntry } | undefined {
    const maxHops = options.maxHops ?? DEFAULT_MAX_HOPS;
    const pending = path.split('/');
    const current: string[] = [];
    let hops = 0;
    while (pending.length > 0) {
      const segment = pending.shift() as string;
      if (segment === '' || segment === '.') continue;
      if (segment === '..') {
        current.pop();
        continue;
      }
      current.push(segment);
      const entry = this.find(current)?.node.entry;
      const last = !pending.some((s) => s !== '' && s !== '.');
      if (
        entry?.type === 'symlink' &&
        entry.linkTarget !== undefined &&
        (!last || options.followFinal !== false)
      ) {
        if (++hops > maxHops) return undefined;
        current.pop();
        if (entry.linkTarget.startsWith('/')) current.length = 0;
        pending.unshift(...entry.linkTarget.split('/'));
      }
    }
    const entry = this.find(current)?.node.entry;
    return entry === undefined ? undefined : { path: current.join('/'), entry };
  }

  private find(segments: readonly string[]): { node: Node; parent: Node; name: string } | undefined {
    let parent = this.root;
    let node = this.root;
    for (const name of segments) {
      const next = node.children?.get(name);
      if (next === undefined) return undefined;
      parent = node;
      node = next;
    }
    return { node, parent, name: segments[segments.length - 1] ?? '' };
  }

  /** Removes what lower layers put at parent/name (recursively), keeping layer `index`'s own entries. */
  private removeLower(parent: Node, name: string, index: number): void {
    const node = parent.children?.get(name);
    if (node === undefined) return;
    if (node.entry !== undefined && node.entry.layerIndex < index) delete node.entry;
    if (node.children !== undefined) {
      for (const child of [...node.children.keys()]) this.removeLower(node, child, index);
      if (node.children.size === 0) delete node.children;
    }
    if (node.entry === undefined && node.children === undefined) parent.children?.delete(name);
  }

  private put(layer: LayerRef, entry: LayerEntry): void {
    const segments = segmentsOf(entry.path);
    const name = segments.pop();
    if (name === undefined) return;
    let node = this.root;
    let resolved: string[] = [];
    for (const segment of segments) {
      let next = node.children?.get(segment);
      if (next?.entry?.type === 'symlink') {
        // Extraction follows a symlinked parent (e.g. `lib` → `usr/lib` in merged-/usr distros),
        // confined to the root.
        const target = this.resolvePath([...resolved, segment].join('/'));
        if (target?.entry.type !== 'dir') {
          this.issue(
            'PARENT_NOT_DIRECTORY',
            entry.path,
            layer,
            'a parent is a symlink that does not lead to a directory',
          );
          return;
        }
        resolved = segmentsOf(target.path);
        next = this.find(resolved)?.node;
      } else if (next?.entry !== undefined && next.entry.type !== 'dir') {
        this.issue('PARENT_NOT_DIRECTORY', entry.path, layer, 'a parent is not a directory');
        return;
      } else {
        resolved.push(segment);
      }
      if (next === undefined) {
        next = {};
        (node.children ??= new Map()).set(segment, next);
      }
      node = next;
    }
    const path = [...resolved, name].join('/');
    let target = node.children?.get(name);
    if (target === undefined) {
      target = {};
      (node.children ??= new Map()).set(name, target);
    } else if (entry.type !== 'dir' && target.children !== undefined) {
      // A non-directory replaces a directory: its lower contents are gone.
      delete target.children;
    }
    target.entry = this.merged(layer, entry, path);
  }

  private merged(layer: LayerRef, entry: LayerEntry, path: string): MergedEntry {
    const base = {
      path,
      layerIndex: layer.index,
      ...(layer.digest === undefined ? {} : { layerDigest: layer.digest }),
      ...(layer.diffId === undefined ? {} : { diffId: layer.diffId }),
      mode: entry.mode,
    };
    const here: ContentRef = {
      path: entry.path,
      layerIndex: layer.index,
      ...(layer.digest === undefined ? {} : { layerDigest: layer.digest }),
      ...(layer.diffId === undefined ? {} : { diffId: layer.diffId }),
    };
    switch (entry.type) {
      case 'file':
        return { ...base, type: 'file', size: entry.size, content: here };
      case 'symlink':
        return { ...base, type: 'symlink', size: 0, linkTarget: entry.linkTarget ?? '' };
      case 'hardlink': {
        const linkTarget = entry.linkTarget ?? '';
        const target = this.get(linkTarget) ?? this.resolvePath(linkTarget, { followFinal: false })?.entry;
        if (target?.content === undefined) {
          this.issue(
            'HARDLINK_DANGLING',
            entry.path,
            layer,
            `hard link target ${linkTarget} is not a file in the image`,
          );
          return { ...base, type: 'hardlink', size: 0, linkTarget };
        }
        return { ...base, type: 'hardlink', size: target.size, linkTarget, content: target.content };
      }
      default:
        return { ...base, type: entry.type === 'dir' ? 'dir' : 'other', size: 0 };
    }
  }

  private issue(code: MergeIssue['code'], path: string, layer: LayerRef, message: string): void {
    this.issues.push({ code, path, layerIndex: layer.index, message });
  }
}
