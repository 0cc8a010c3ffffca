// Builds the python-generated model corpus once per generator version into .cache/fixtures/model-corpus/<hash>.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface CorpusEntry {
  readonly file: string;
  readonly verdict: 'pass' | 'fail';
  readonly kind?: string;
  readonly callable?: string;
}

const PYTHON = '/usr/bin/python3';
const GENERATOR = fileURLToPath(new URL('../../fixtures-gen/models/generate.py', import.meta.url));
// Own folder: .cache/fixtures/models/ belongs to the inventory's model-file fixtures.
const CACHE = fileURLToPath(new URL('../../../.cache/fixtures/model-corpus/', import.meta.url));

/** Debian packages the generator needs (CI installs them). */
export const CORPUS_APT_PACKAGES = [
  'python3-torch',
  'python3-numpy',
  'python3-h5py',
  'python3-joblib',
  'p7zip-full',
];

export function buildModelCorpus(): { dir: string; entries: CorpusEntry[] } {
  const script = readFileSync(GENERATOR);
  const key = createHash('sha256').update(script).digest('hex').slice(0, 16);
  const dir = join(CACHE, key);
  if (!existsSync(join(dir, 'manifest.json'))) {
    try {
      execFileSync(PYTHON, ['-c', 'import torch, numpy, h5py, joblib'], { stdio: 'pipe' });
    } catch {
      throw new Error(
        `${PYTHON} cannot import torch/numpy/h5py/joblib: install the Debian packages ${CORPUS_APT_PACKAGES.join(' ')} (apt-get install -y ...)`,
      );
    }
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    execFileSync(PYTHON, ['-W', 'ignore', GENERATOR, tmp], { stdio: 'pipe', timeout: 300_000 });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  const entries = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as CorpusEntry[];
  return { dir, entries };
}
