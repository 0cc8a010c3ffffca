import { open } from 'node:fs/promises';
import { BosunError, limitError } from '../../util/errors.ts';

export type FetchLike = (url: string, init: { signal: AbortSignal }) => Promise<Response>;

export interface HttpOptions {
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
}

/** GET `url`; `undefined` for 404 (a missing record), `VULNDB_FETCH` for any other failure. */
async function get(url: string, options: HttpOptions): Promise<Response | undefined> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([options.signal, timeout]);
  let response: Response;
  try {
    response = await options.fetch(url, { signal });
  } catch (cause) {
    options.signal?.throwIfAborted();
    throw new BosunError('VULNDB_FETCH', `GET ${url} failed`, { cause, details: { input: url } });
  }
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (response.status !== 200 || response.body === null) {
    await response.body?.cancel();
    throw new BosunError('VULNDB_FETCH', `GET ${url}: HTTP ${response.status}`, {
      details: { input: url, status: response.status },
    });
  }
  return response;
}

/** The body of `url` in memory, at most `maxBytes`; `undefined` for 404. */
export async function getBytes(
  url: string,
  maxBytes: number,
  options: HttpOptions,
): Promise<Buffer | undefined> {
  const response = await get(url, options);
  if (response === undefined) return undefined;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of readBody(response, url)) {
    total += chunk.byteLength;
    if (total > maxBytes) throw limitError('LIMIT_EXCEEDED', url, 'response bytes', total, maxBytes);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** Streams the body of `url` into `path`, at most `maxBytes`; throws `VULNDB_FETCH` for 404 too. */
export async function downloadTo(
  url: string,
  path: string,
  maxBytes: number,
  options: HttpOptions & { readonly onBytes?: (bytes: number) => void },
): Promise<number> {
  const response = await get(url, options);
  if (response === undefined)
    throw new BosunError('VULNDB_FETCH', `GET ${url}: HTTP 404`, { details: { input: url, status: 404 } });
  const handle = await open(path, 'w');
  let total = 0;
  try {
    for await (const chunk of readBody(response, url)) {
      total += chunk.byteLength;
      if (total > maxBytes) throw limitError('LIMIT_EXCEEDED', url, 'download bytes', total, maxBytes);
      await handle.write(chunk);
      options.onBytes?.(total);
    }
  } finally {
    await handle.close();
  }
  return total;
}

async function* readBody(response: Response, url: string): AsyncGenerator<Uint8Array> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  try {
    for (;;) {
      let result: Awaited<ReturnType<typeof reader.read>>;
      try {
        result = await reader.read();
      } catch (cause) {
        throw new BosunError('VULNDB_FETCH', `GET ${url}: body interrupted`, {
          cause,
          details: { input: url },
        });
      }
      if (result.done) return;
      yield result.value;
    }
  } finally {
    reader.releaseLock();
  }
}
