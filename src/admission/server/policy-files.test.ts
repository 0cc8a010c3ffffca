import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readPolicyFiles } from './policy-files.ts';
import { watchPaths } from './file-watch.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** A ConfigMap volume as the kubelet writes it: `..<ts>/` data, `..data` link, per-key links. */
async function configMapVolume(
  root: string,
  generation: string,
  files: Record<string, string>,
): Promise<void> {
  const data = join(root, `..${generation}`);
  await mkdir(data);
  for (const [name, text] of Object.entries(files)) await writeFile(join(data, name), text);
  const tmpLink = join(root, '..data_tmp');
  await symlink(`..${generation}`, tmpLink);
  await rename(tmpLink, join(root, '..data')); // the atomic swap
  for (const name of Object.keys(files))
    await symlink(join('..data', name), join(root, name)).catch(() => undefined);
}

describe('policy files from a ConfigMap mount', () => {
  it('reads the key links, skips kubelet dot entries, and sees the ..data swap', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-cm-'));
    await configMapVolume(dir, '2024_01_01', { 'a.yaml': 'a: 1\n', 'b.yml': 'b: 1\n', 'notes.txt': 'x' });
    const first = await readPolicyFiles([dir]);
    expect(first.sources.map((s) => s.name)).toEqual([join(dir, 'a.yaml'), join(dir, 'b.yml')]);
    let changes = 0;
    const watcher = watchPaths([dir], () => changes++, { debounceMs: 10, pollMs: 0 });
    try {
      await configMapVolume(dir, '2024_01_02', { 'a.yaml': 'a: 2\n', 'b.yml': 'b: 1\n', 'notes.txt': 'x' });
      for (let i = 0; i < 100 && changes === 0; i++) await new Promise((r) => setTimeout(r, 20));
    } finally {
      watcher.close();
    }
    const second = await readPolicyFiles([dir]);
    expect([changes > 0, second.sources[0]!.text, second.fingerprint !== first.fingerprint]).toEqual([
      true,
      'a: 2\n',
      true,
    ]);
  });

  it('bounds the number of files', async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-cm-'));
    for (let i = 0; i < 5; i++) await writeFile(join(dir, `${i}.yaml`), 'a: 1\n');
    await expect(readPolicyFiles([dir], { maxFiles: 3 })).rejects.toMatchObject({ code: 'LIMIT_EXCEEDED' });
  });
});
