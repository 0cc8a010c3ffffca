/**
 * Files that say which paths dpkg owns, and Debian machine-readable copyright files.
 */
import { limitError } from '../../../util/errors.ts';

/** Lines in one file list (the biggest Debian packages list ~100k paths). */
export const MAX_LIST_LINES = 1_000_000;

/**
 * `var/lib/dpkg/info/<pkg>[:<arch>].list`: one absolute path per line (directories included,
 * `/.` for the root). Returns paths without the leading `/`, skipping the root.
 */
export function parseDpkgList(text: string, input: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const path = line.replace(/\r$/, '').replace(/^\/+/, '');
    if (path === '' || path === '.') continue;
    if (paths.length >= MAX_LIST_LINES)
      throw limitError('INVENTORY_LIMIT', input, 'list lines', paths.length + 1, MAX_LIST_LINES);
    paths.push(path);
  }
  return paths;
}

/** `<md5>  <path>` lines (`info/<pkg>.md5sums`, distroless `status.d/<pkg>.md5sums`): the paths. */
export function parseDpkgMd5sums(text: string, input: string): string[] {
  const paths: string[] = [];
  for (const line of text.split('\n')) {
    const match = /^[0-9a-fA-F]{32}\s+\*?(.+?)\r?$/.exec(line);
    if (match?.[1] === undefined) continue;
    if (paths.length >= MAX_LIST_LINES)
      throw limitError('INVENTORY_LIMIT', input, 'list lines', paths.length + 1, MAX_LIST_LINES);
    paths.push(match[1].replace(/^\/+/, ''));
  }
  return paths;
}

/**
 * Licenses named by a machine-readable copyright file (copyright-format 1.0): the short names in
 * `License:` fields, in order of first appearance. Free-form copyright files yield nothing: guessing
 * licenses from prose is not done here.
 */
export function parseDebianCopyright(text: string): string[] {
  if (!/^Format:\s*\S*copyright-format/im.test(text.slice(0, 4096))) return [];
  const licenses = new Set<string>();
  for (const match of text.matchAll(/^License:[ \t]*([^\r\n]+)/gim)) {
    const name = match[1]?.trim();
    if (name !== undefined && name !== '' && name.length <= 200) licenses.add(name);
    if (licenses.size >= 100) break;
  }
  return [...licenses];
}
