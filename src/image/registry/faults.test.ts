// Fault injection with an in-process fake registry (node:http on 127.0.0.1). Used only for what a
// real registry will not do on demand: 5xx and 429 answers, resets, stalls, wrong bytes,
// redirects to storage, revoked tokens, and protocol features distribution 2.8 lacks (tag
// pagination links, the referrers API). Everything else is tested on the real registry.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createCa, createServerCert } from '../../../test/support/pki.ts';
import { digestOf } from '../../util/digest.ts';
import { MEDIA_TYPES } from '../types.ts';
import { RegistryClient, type RegistryClientOptions } from './index.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

interface Fake {
  readonly host: string;
  readonly url: string;
  readonly seen: Seen[];
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: readonly Seen[]) => unknown;

const fakes: Fake[] = [];
const clients: RegistryClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const fake of fakes.splice(0)) await fake.close();
});

async function startFake(handler: Handler, tls?: { cert: string; key: string }): Promise<Fake> {
  const seen: Seen[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    void Promise.resolve(handler(req, res, seen)).catch(() => res.destroy());
  };
  const server = tls === undefined ? createServer(listener) : createHttpsServer(tls, listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const fake: Fake = {
    host: `127.0.0.1:${port}`,
    url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  fakes.push(fake);
  return fake;
}

function clientFor(fake: Fake, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  const client = new RegistryClient({ registry: fake.host, insecure: true, ...options });
  clients.push(client);
  return client;
}

/** Requests to the API (the insecure-mode HTTPS probe never reaches the HTTP handler). */
const api = (fake: Fake): Seen[] => fake.seen.filter((s) => s.url !== '/v2/');

const manifestBytes = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: MEDIA_TYPES.ociManifest,
    config: { mediaType: MEDIA_TYPES.ociConfig, digest: digestOf(Buffer.from('{}')), size: 2 },
    layers: [],
  }),
);
const manifestDigest = digestOf(manifestBytes);
const blob = Buffer.from('layer bytes '.repeat(100));
const blobDigest = digestOf(blob);

function sendManifest(res: ServerResponse, bytes: Buffer = manifestBytes, digest = manifestDigest): void {
  res.writeHead(200, {
    'content-type': MEDIA_TYPES.ociManifest,
    'content-length': bytes.length,
    'docker-content-digest': digest,
  });
  res.end(bytes);
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('retries', () => {
  it.each<[string, (res: ServerResponse) => void, number[]]>([
    ['500 then success', (res) => res.writeHead(500).end(), [1]],
    ['503 then success', (res) => res.writeHead(503).end(), [1]],
    [
      '429 with Retry-After: 2 then success',
      (res) => res.writeHead(429, { 'retry-after': '2' }).end(),
      [2000],
    ],
    ['a connection reset then success', (res) => res.socket?.destroy(), [1]],
  ])('%s', async (_case, fault, expectedSleeps) => {
    const fake = await startFake((req, res, seen) => {
      if (seen.filter((s) => s.url.includes('/manifests/')).length === 1) fault(res);
      else sendManifest(res);
    });
    const sleeps: number[] = [];
    const client = clientFor(fake, {
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      retry: { baseDelayMs: 1, maxDelayMs: 10_000 },
    });
    const fetched = await client.getManifest('app', 'v1');
    expect(fetched.digest).toEqual(manifestDigest);
    expect(api(fake).length).toEqual(2);
    // Backoff for the first retry lies in [base/2, base]; Retry-After is used as given.
    expect(sleeps.map((ms) => (expectedSleeps[0] === 1 ? Math.min(ms, 1) : ms))).toEqual(expectedSleeps);
  });

  it.each<[string, (res: ServerResponse) => void, string, number]>([
    ['a persistent 503', (res) => res.writeHead(503).end(), 'REGISTRY_HTTP', 3],
    [
      'a Retry-After longer than we wait',
      (res) => res.writeHead(429, { 'retry-after': '3600' }).end(),
      'REGISTRY_HTTP',
      1,
    ],
    ['persistent resets', (res) => res.socket?.destroy(), 'REGISTRY_UNREACHABLE', 3],
    ['a 403', (res) => res.writeHead(403).end('{"errors":[{"code":"DENIED"}]}'), 'REGISTRY_DENIED', 1],
    [
      'a 400',
      (res) => res.writeHead(400).end('{"errors":[{"code":"MANIFEST_INVALID"}]}'),
      'REGISTRY_HTTP',
      1,
    ],
  ])('gives up on %s with %s after %i attempts', async (_case, fault, code, attempts) => {
    const fake = await startFake((_req, res) => fault(res));
    const client = clientFor(fake, {
      sleep: async () => undefined,
      retry: { retries: 2, maxDelayMs: 60_000 },
    });
    await expect(client.getManifest('app', 'v1')).rejects.toMatchObject({
      code,
      details: { registry: fake.host, repository: 'app', operation: 'get manifest' },
    });
    expect(api(fake).length).toEqual(attempts);
  });
});

describe('timeouts and aborts', () => {
  it('a registry that never answers is REGISTRY_TIMEOUT', async () => {
    const fake = await startFake(() => undefined);
    const client = clientFor(fake, { timeoutMs: 300, retry: { retries: 0 } });
    await expect(client.getManifest('app', 'v1')).rejects.toMatchObject({ code: 'REGISTRY_TIMEOUT' });
  });

  it('a blob body that stalls midway errors the stream with REGISTRY_TIMEOUT', async () => {
    const fake = await startFake((_req, res) => {
      res.writeHead(200, { 'content-length': blob.length });
      res.write(blob.subarray(0, 10));
    });
    const client = clientFor(fake, { timeoutMs: 300 });
    const stream = await client.getBlob('app', { digest: blobDigest, size: blob.length });
    await expect(collect(stream)).rejects.toMatchObject({ code: 'REGISTRY_TIMEOUT' });
  });

  it('an aborted signal stops the request with ABORTED', async () => {
    const fake = await startFake(() => undefined);
    const client = clientFor(fake, { timeoutMs: 30_000 });
    const controller = new AbortController();
    const pending = client.getManifest('app', 'v1', controller.signal);
    setTimeout(() => controller.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('integrity', () => {
  const other = Buffer.from(manifestBytes.toString('utf8').replace('"layers":[]', '"layers": []'));

  it.each<[string, string, (res: ServerResponse) => void]>([
    ['by digest, other bytes', manifestDigest, (res) => sendManifest(res, other, manifestDigest)],
    [
      'by tag, bytes not matching Docker-Content-Digest',
      'v1',
      (res) => sendManifest(res, other, manifestDigest),
    ],
  ])('manifest %s is IMAGE_DIGEST_MISMATCH', async (_case, reference, answer) => {
    const fake = await startFake((_req, res) => answer(res));
    const client = clientFor(fake);
    await expect(client.getManifest('app', reference)).rejects.toMatchObject({
      code: 'IMAGE_DIGEST_MISMATCH',
    });
  });

  it('a tag answered without Docker-Content-Digest gets the computed digest', async () => {
    const fake = await startFake((_req, res) => {
      res.writeHead(200, { 'content-type': MEDIA_TYPES.ociManifest });
      res.end(manifestBytes);
    });
    expect((await clientFor(fake).getManifest('app', 'v1')).digest).toEqual(manifestDigest);
  });

  it('blob bytes that do not match the digest fail the stream and getBlobBytes', async () => {
    const wrong = Buffer.from(blob);
    wrong[5] = 0x21;
    const fake = await startFake((_req, res) =>
      res.writeHead(200, { 'content-length': wrong.length }).end(wrong),
    );
    const client = clientFor(fake);
    await expect(
      collect(await client.getBlob('app', { digest: blobDigest, size: blob.length })),
    ).rejects.toMatchObject({
      code: 'IMAGE_DIGEST_MISMATCH',
    });
    await expect(client.getBlobBytes('app', { digest: blobDigest, size: blob.length })).rejects.toMatchObject(
      {
        code: 'IMAGE_DIGEST_MISMATCH',
      },
    );
  });
});

describe('auth and redirects', () => {
  const basic = `Basic ${Buffer.from('user:secret').toString('base64')}`;

  it('follows a blob redirect to storage without sending the registry credentials there', async () => {
    const storage = await startFake((_req, res) =>
      res.writeHead(200, { 'content-length': blob.length }).end(blob),
    );
    const fake = await startFake((req, res) => {
      if (req.headers.authorization !== basic) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"' }).end();
        return;
      }
      res.writeHead(307, { location: `${storage.url}/blob-data?signature=x` }).end();
    });
    const client = clientFor(fake, {
      credentials: async () => ({ kind: 'basic', username: 'user', password: 'secret' }),
    });
    expect(await collect(await client.getBlob('app', { digest: blobDigest, size: blob.length }))).toEqual(
      blob,
    );
    expect(storage.seen).toEqual([
      { method: 'GET', url: '/blob-data?signature=x', authorization: undefined },
    ]);
  });

  it('re-authenticates once when a cached token is refused with a new challenge, then stops', async () => {
    let issued = 0;
    const accepted = new Set<string>();
    const tokens = await startFake((_req, res) => {
      issued++;
      const token = `t${issued}`;
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ token, expires_in: 300 }));
    });
    const fake = await startFake((req, res) => {
      const token = req.headers.authorization?.replace(/^Bearer /, '');
      if (token === undefined || !accepted.has(token)) {
        res
          .writeHead(401, {
            'www-authenticate': `Bearer realm="${tokens.url}/token",service="fake",scope="repository:app:pull"`,
          })
          .end();
        return;
      }
      sendManifest(res);
    });
    const client = clientFor(fake, {
      credentials: async () => ({ kind: 'basic', username: 'user', password: 'secret' }),
    });
    accepted.add('t1');
    await client.getManifest('app', 'v1'); // challenge, token t1
    await client.getManifest('app', 'v1'); // cached t1
    accepted.clear();
    accepted.add('t2');
    await client.getManifest('app', 'v1'); // t1 refused: new challenge, token t2, retried once
    accepted.clear();
    await expect(client.getManifest('app', 'v1')).rejects.toMatchObject({ code: 'REGISTRY_UNAUTHORIZED' });
    expect(issued).toEqual(3);
    expect(api(fake).map((s) => s.authorization)).toEqual([
      undefined,
      'Bearer t1',
      'Bearer t1',
      'Bearer t1',
      'Bearer t2',
      'Bearer t2',
      'Bearer t3',
    ]);
  });

  it('parallel requests needing the same scope share one token request', async () => {
    let issued = 0;
    const tokens = await startFake((_req, res) => {
      issued++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'shared' }));
    });
    const fake = await startFake((req, res) => {
      if (req.headers.authorization !== 'Bearer shared') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="fake"` }).end();
        return;
      }
      sendManifest(res);
    });
    const client = clientFor(fake);
    await client.getManifest('app', 'v1');
    const before = issued;
    await Promise.all(Array.from({ length: 5 }, () => client.getManifest('app', manifestDigest)));
    await Promise.all(Array.from({ length: 5 }, () => client.getManifest('other', 'v1')));
    expect([before, issued]).toEqual([1, 2]);
  });

  it('a secure client never sends credentials to a plain-HTTP token realm', async () => {
    const tokens = await startFake((_req, res) => res.writeHead(200).end('{"token":"t"}'));
    const pki = await mkdtemp(join(tmpdir(), 'bosun-fake-tls-'));
    try {
      const ca = await createCa(pki);
      const cert = await createServerCert(pki, ca);
      const fake = await startFake(
        (_req, res) => {
          res.writeHead(401, { 'www-authenticate': `Bearer realm="${tokens.url}/token",service="x"` }).end();
        },
        { cert: cert.certPem, key: cert.keyPem },
      );
      const client = new RegistryClient({
        registry: fake.host,
        caPems: [ca.certPem],
        credentials: async () => ({ kind: 'basic', username: 'user', password: 'secret' }),
      });
      clients.push(client);
      await expect(client.getManifest('app', 'v1')).rejects.toMatchObject({ code: 'REGISTRY_PROTOCOL' });
      expect(tokens.seen).toEqual([]);
    } finally {
      await rm(pki, { recursive: true, force: true });
    }
  });
});

describe('protocol features distribution 2.8 lacks', () => {
  it('follows Link headers through tag pages', async () => {
    const pages: Record<string, [string[], string | undefined]> = {
      '/v2/app/tags/list?n=2': [['a', 'b'], '/v2/app/tags/list?n=2&last=b'],
      '/v2/app/tags/list?n=2&last=b': [['c', 'd'], '/v2/app/tags/list?n=2&last=d'],
      '/v2/app/tags/list?n=2&last=d': [['e'], undefined],
    };
    const fake = await startFake((req, res) => {
      const page = pages[req.url ?? ''];
      if (page === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(page[1] === undefined ? {} : { link: `<${page[1]}>; rel="next"` }),
      });
      res.end(JSON.stringify({ name: 'app', tags: page[0] }));
    });
    expect(await clientFor(fake).listTags('app', { pageSize: 2 })).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('refuses a pagination link to another origin', async () => {
    const fake = await startFake((_req, res) => {
      res.writeHead(200, { link: '<http://198.51.100.7/v2/app/tags/list?last=b>; rel="next"' });
      res.end(JSON.stringify({ name: 'app', tags: ['a'] }));
    });
    await expect(clientFor(fake).listTags('app')).rejects.toMatchObject({ code: 'REGISTRY_PROTOCOL' });
  });

  it('uses the referrers API when present, trusting its artifactType filter', async () => {
    const referrer = {
      mediaType: MEDIA_TYPES.ociManifest,
      digest: blobDigest,
      size: 10,
      artifactType: 'application/x-sig',
    };
    const fake = await startFake((req, res) => {
      res.writeHead(200, { 'content-type': MEDIA_TYPES.ociIndex, 'oci-filters-applied': 'artifactType' });
      res.end(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA_TYPES.ociIndex, manifests: [referrer] }));
    });
    const result = await clientFor(fake).getReferrers('app', manifestDigest, {
      artifactType: 'application/x-sig',
    });
    expect(result).toEqual({ source: 'api', referrers: [referrer] });
    expect(api(fake).map((s) => s.url)).toEqual([
      `/v2/app/referrers/${manifestDigest}?artifactType=application%2Fx-sig`,
    ]);
  });
});

describe('bounded concurrency', () => {
  it('never has more requests in flight than maxConcurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const fake = await startFake(async (_req, res) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      res.writeHead(200, { 'content-length': blob.length }).end(blob);
    });
    const client = clientFor(fake, { maxConcurrency: 2 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => client.getBlobBytes('app', { digest: blobDigest, size: blob.length })),
    );
    expect(results.length).toEqual(8);
    expect(peak <= 2).toBe(true);
  });

  it('pushes a streamed blob whose PUT is retried after a 500 by reopening the stream', async () => {
    let puts = 0;
    const received: Buffer[] = [];
    const fake = await startFake(async (req, res) => {
      if (req.method === 'HEAD') return void res.writeHead(404).end();
      if (req.method === 'POST')
        return void res.writeHead(202, { location: '/v2/app/blobs/uploads/u1?_state=x' }).end();
      if (req.method === 'PUT') {
        puts++;
        const body = await collect(req);
        if (puts === 1) return void res.writeHead(500).end();
        received.push(body);
        return void res.writeHead(201).end();
      }
      res.writeHead(405).end();
    });
    let opened = 0;
    const client = clientFor(fake, { sleep: async () => undefined });
    const result = await client.pushBlob('app', {
      digest: blobDigest,
      size: blob.length,
      open: () => {
        opened++;
        return Readable.from([blob]);
      },
    });
    expect({ outcome: result.outcome, opened, puts, received }).toEqual({
      outcome: 'uploaded',
      opened: 2,
      puts: 2,
      received: [blob],
    });
    expect(api(fake).find((s) => s.method === 'PUT')?.url).toEqual(
      `/v2/app/blobs/uploads/u1?_state=x&digest=${encodeURIComponent(blobDigest)}`,
    );
  });
});
