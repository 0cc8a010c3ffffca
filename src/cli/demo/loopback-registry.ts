/**
 * A small in-memory OCI Distribution registry on 127.0.0.1 over HTTPS, for `bosun demo` only: the
 * demo must run on a fresh machine with no registry installed and no internet. It implements what
 * pushing, pulling and cosign storage need (blob upload in one PUT or PATCH chunks, manifests by tag
 * and digest, tag lists); the referrers API answers 404, so clients use the tag scheme as with
 * distribution 2.x. Real deployments use a real registry; the tests use Debian's docker-registry.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface LoopbackRegistry {
  /** `127.0.0.1:PORT`, as written in image references. */
  readonly host: string;
  close(): Promise<void>;
}

export interface LoopbackRegistryOptions {
  readonly certPem: string;
  readonly keyPem: string;
  /** Largest blob or manifest accepted (default 64 MiB). */
  readonly maxBytes?: number;
}

interface StoredManifest {
  readonly bytes: Buffer;
  readonly mediaType: string;
}

interface Repository {
  readonly tags: Map<string, string>;
  readonly manifests: Map<string, StoredManifest>;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

function digestOf(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

async function readBody(request: IncomingMessage, max: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of request) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > max) return undefined;
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

function send(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
  body?: Buffer | string,
): void {
  const bytes = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body);
  response.writeHead(status, {
    'docker-distribution-api-version': 'registry/2.0',
    'content-length': String(bytes?.length ?? 0),
    ...headers,
  });
  response.end(bytes);
}

function error(response: ServerResponse, status: number, code: string, message: string): void {
  send(
    response,
    status,
    { 'content-type': 'application/json' },
    JSON.stringify({ errors: [{ code, message }] }),
  );
}

/** Starts the registry on 127.0.0.1 with a free port. */
export async function startLoopbackRegistry(options: LoopbackRegistryOptions): Promise<LoopbackRegistry> {
  const max = options.maxBytes ?? 64 * 1024 * 1024;
  const blobs = new Map<string, Buffer>();
  const uploads = new Map<string, Buffer[]>();
  const repositories = new Map<string, Repository>();
  const repo = (name: string): Repository => {
    let r = repositories.get(name);
    if (r === undefined) {
      r = { tags: new Map(), manifests: new Map() };
      repositories.set(name, r);
    }
    return r;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const method = request.method ?? 'GET';
    const head = method === 'HEAD';
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      send(response, 200, { 'content-type': 'application/json' }, '{}');
      return;
    }
    const match = /^\/v2\/(.+?)\/(blobs\/uploads|blobs|manifests|tags|referrers)\/(.*)$/.exec(url.pathname);
    if (match === null || !NAME.test(match[1] ?? '')) {
      error(response, 404, 'NAME_UNKNOWN', 'no such route');
      return;
    }
    const [, name = '', kind, rest = ''] = match;

    if (kind === 'blobs/uploads') {
      if (method === 'POST' && rest === '') {
        const id = randomUUID();
        uploads.set(id, []);
        send(response, 202, {
          location: `/v2/${name}/blobs/uploads/${id}`,
          range: '0-0',
          'docker-upload-uuid': id,
        });
        return;
      }
      const parts = uploads.get(rest);
      if (parts === undefined) {
        error(response, 404, 'BLOB_UPLOAD_UNKNOWN', 'unknown upload');
        return;
      }
      if (method === 'DELETE') {
        uploads.delete(rest);
        send(response, 204);
        return;
      }
      const body = await readBody(request, max);
      if (body === undefined) {
        uploads.delete(rest);
        error(response, 413, 'SIZE_INVALID', 'blob too large');
        return;
      }
      parts.push(body);
      const size = parts.reduce((n, p) => n + p.length, 0);
      if (method === 'PATCH') {
        send(response, 202, {
          location: `/v2/${name}/blobs/uploads/${rest}`,
          range: `0-${Math.max(0, size - 1)}`,
        });
        return;
      }
      if (method === 'PUT') {
        uploads.delete(rest);
        const digest = url.searchParams.get('digest') ?? '';
        const bytes = Buffer.concat(parts);
        if (!DIGEST.test(digest) || digestOf(bytes) !== digest) {
          error(response, 400, 'DIGEST_INVALID', 'digest does not match the uploaded bytes');
          return;
        }
        blobs.set(digest, bytes);
        send(response, 201, { location: `/v2/${name}/blobs/${digest}`, 'docker-content-digest': digest });
        return;
      }
      error(response, 405, 'UNSUPPORTED', 'method not allowed');
      return;
    }

    if (kind === 'blobs') {
      const bytes = blobs.get(rest);
      if (bytes === undefined || (method !== 'GET' && !head)) {
        error(response, bytes === undefined ? 404 : 405, 'BLOB_UNKNOWN', 'blob unknown');
        return;
      }
      const headers = { 'content-type': 'application/octet-stream', 'docker-content-digest': rest };
      if (head) response.writeHead(200, { ...headers, 'content-length': String(bytes.length) }).end();
      else send(response, 200, headers, bytes);
      return;
    }

    if (kind === 'tags' && rest === 'list') {
      const tags = [...(repositories.get(name)?.tags.keys() ?? [])].sort();
      send(response, 200, { 'content-type': 'application/json' }, JSON.stringify({ name, tags }));
      return;
    }

    if (kind === 'manifests') {
      const r = repo(name);
      if (method === 'PUT') {
        if (!DIGEST.test(rest) && !TAG.test(rest)) {
          error(response, 400, 'TAG_INVALID', 'invalid tag');
          return;
        }
        const body = await readBody(request, Math.min(max, 4 * 1024 * 1024));
        if (body === undefined) {
          error(response, 413, 'SIZE_INVALID', 'manifest too large');
          return;
        }
        const digest = digestOf(body);
        if (DIGEST.test(rest) && rest !== digest) {
          error(response, 400, 'DIGEST_INVALID', 'manifest digest mismatch');
          return;
        }
        const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
        r.manifests.set(digest, { bytes: body, mediaType });
        if (!DIGEST.test(rest)) r.tags.set(rest, digest);
        send(response, 201, { location: `/v2/${name}/manifests/${digest}`, 'docker-content-digest': digest });
        return;
      }
      const digest = DIGEST.test(rest) ? rest : r.tags.get(rest);
      const stored = digest === undefined ? undefined : r.manifests.get(digest);
      if (method === 'DELETE' && digest !== undefined && stored !== undefined) {
        r.manifests.delete(digest);
        for (const [tag, d] of r.tags) if (d === digest) r.tags.delete(tag);
        send(response, 202);
        return;
      }
      if (stored === undefined || digest === undefined || (method !== 'GET' && !head)) {
        error(response, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
        return;
      }
      const headers = { 'content-type': stored.mediaType, 'docker-content-digest': digest };
      if (head) response.writeHead(200, { ...headers, 'content-length': String(stored.bytes.length) }).end();
      else send(response, 200, headers, stored.bytes);
      return;
    }
    // referrers (and anything else): not implemented, so clients fall back to the tag scheme.
    error(response, 404, 'UNSUPPORTED', 'not implemented');
  };

  const server: Server = createServer({ cert: options.certPem, key: options.keyPem }, (request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) error(response, 500, 'UNKNOWN', 'internal error');
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
