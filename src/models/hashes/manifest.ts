// sha256sum-compatible manifests (GNU coreutils format: "<hex>  <path>", or "<hex> *<path>" in
// binary mode; a line starting with "\" has "\\" and "\n" escapes in the path).
import { BosunError } from '../../util/errors.ts';

export interface ManifestEntry {
  readonly path: string;
  readonly sha256: string;
}

function escapePath(path: string): { escaped: boolean; text: string } {
  if (!/[\\\n\r]/.test(path)) return { escaped: false, text: path };
  return { escaped: true, text: path.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r') };
}

export function formatManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    .map((e) => {
      const { escaped, text } = escapePath(e.path);
      return `${escaped ? '\\' : ''}${e.sha256}  ${text}\n`;
    })
    .join('');
}

export function parseManifest(text: string, input = 'manifest'): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '' || line.startsWith('#')) return;
    const escaped = line.startsWith('\\');
    const m = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(escaped ? line.slice(1) : line);
    if (!m) {
      throw new BosunError(
        'MODEL_MANIFEST_INVALID',
        `${input}: line ${index + 1} is not "<sha256>  <path>"`,
        {
          details: { input, line: index + 1 },
        },
      );
    }
    let path = m[2] as string;
    if (escaped)
      path = path.replace(/\\(\\|n|r)/g, (_s, c: string) => (c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
    if (path.startsWith('./')) path = path.slice(2);
    if (path.startsWith('/') || path.split('/').includes('..')) {
      throw new BosunError(
        'MODEL_MANIFEST_INVALID',
        `${input}: line ${index + 1} names a path outside the directory`,
        {
          details: { input, line: index + 1 },
        },
      );
    }
    if (seen.has(path)) {
      throw new BosunError('MODEL_MANIFEST_INVALID', `${input}: line ${index + 1} repeats ${path}`, {
        details: { input, line: index + 1 },
      });
    }
    seen.add(path);
    entries.push({ path, sha256: (m[1] as string).toLowerCase() });
  });
  return entries;
}
