// Global setup for the whole suite: expensive shared fixtures are built once per run here.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

export async function setup(): Promise<void> {
  await mkdir(join(process.cwd(), '.cache', 'fixtures'), { recursive: true });
}
