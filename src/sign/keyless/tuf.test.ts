// TUF is for online use; offline, a mirror that does not answer is a typed transport error.
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isBosunError } from '../../util/errors.ts';
import { fetchTrustedRoot } from './tuf.ts';

/** A loopback port nobody listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('fetchTrustedRoot', () => {
  it('reports an unreachable mirror as SIGN_KEYLESS_SERVICE', async () => {
    const cachePath = await mkdtemp(join(tmpdir(), 'bosun-tuf-'));
    try {
      let caught: unknown;
      try {
        await fetchTrustedRoot({
          mirrorURL: `http://127.0.0.1:${await closedPort()}`,
          cachePath,
          timeoutMs: 2000,
        });
      } catch (error) {
        caught = error;
      }
      expect(isBosunError(caught) ? caught.code : caught).toEqual('SIGN_KEYLESS_SERVICE');
    } finally {
      await rm(cachePath, { recursive: true, force: true });
    }
  });
});
