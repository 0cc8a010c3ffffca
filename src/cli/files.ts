import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BosunError } from '../util/errors.ts';

const YAML_FILE = /\.(ya?ml|json)$/i;

/** Files named on the command line; directories are walked for YAML/JSON files, in sorted order. */
export async function collectYamlFiles(paths: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (path: string, depth: number): Promise<void> => {
    if (depth > 32) return;
    const entries = await readdir(path, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) await walk(child, depth + 1);
      else if (entry.isFile() && YAML_FILE.test(entry.name)) out.push(child);
    }
  };
  for (const path of paths) {
    const full = resolve(cwd, path);
    let info;
    try {
      info = await stat(full);
    } catch (error) {
      throw new BosunError('CLI_USAGE', `${path}: no such file or directory`, { cause: error });
    }
    if (info.isDirectory()) await walk(full, 0);
    else out.push(full);
  }
  return out;
}

export async function readTextFiles(files: readonly string[]): Promise<{ name: string; text: string }[]> {
  return Promise.all(files.map(async (name) => ({ name, text: await readFile(name, 'utf8') })));
}
