/**
 * HTTP for the registry client over undici: one pooled Agent with the TLS settings, per-request
 * timeouts, an AbortSignal, bounded concurrency (the slot is held until the body is consumed),
 * bounded retries on 429/5xx/connection resets with backoff and `Retry-After`, and redirects
 * (the Authorization header never follows a redirect to another origin).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { getCACertificates } from 'node:tls';
import { Agent } from 'undici';
import { BosunError, limitError, type ErrorCode } from '../../util/errors.ts';
import { isResetError, networkError, type RequestContext } from './errors.ts';
import { backoffDelay, isRetryableStatus, parseRetryAfter, sleep, type RetryPolicy } from './retry.ts';
import { Semaphore } from './semaphore.ts';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** A request body: bytes (replayable) or a factory opening a fresh stream per attempt. */
export type RequestBody = Uint8Array | { readonly open: () => Readable | Promise<Readable> };

export interface HttpRequest {
  readonly method: HttpMethod;
  readonly url: URL;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: RequestBody;
  /** Defaults: true for every method except PATCH (a partial upload cannot be replayed blindly). */
  readonly retryable?: boolean;
  /** Defaults to true for GET and HEAD. */
  readonly followRedirects?: boolean;
  readonly signal?: AbortSignal;
  readonly context: RequestContext;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  /** Must be consumed or destroyed: the concurrency slot is released when it closes. */
  readonly body: Readable;
  /** The final URL after redirects. */
  readonly url: URL;
}

export interface TransportOptions {
  /** Extra CA certificates (PEM), trusted in addition to Node's and the system's. */
  readonly caPems?: readonly string[];
  /** Skip TLS verification. */
  readonly insecure: boolean;
  readonly timeoutMs: number;
  readonly retry: RetryPolicy;
  readonly maxConcurrency: number;
  readonly userAgent: string;
  readonly maxRedirects?: number;
  /** Injected for tests: how retries wait. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

let systemCas: string[] | undefined;

/** Node's default CAs plus the operating system's store (read once). */
function trustedCas(extra: readonly string[]): string[] {
  if (systemCas === undefined) {
    let system: string[];
    try {
      system = getCACertificates('system');
    } catch {
      system = [];
    }
    systemCas = [...new Set([...getCACertificates('default'), ...system])];
  }
  return [...systemCas, ...extra];
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export { headerValue };

export class Transport {
  readonly #agent: Agent;
  readonly #options: TransportOptions;
  readonly #semaphore: Semaphore;

  constructor(options: TransportOptions) {
    this.#options = options;
    this.#semaphore = new Semaphore(options.maxConcurrency);
    const extra = options.caPems ?? [];
    this.#agent = new Agent({
      connect: {
        timeout: options.timeoutMs,
        rejectUnauthorized: !options.insecure,
        ca: trustedCas(extra),
      },
      connections: Math.max(1, options.maxConcurrency),
    });
  }

  /** Sends with retries and redirects; returns any final status (the caller interprets it). */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const { retry } = this.#options;
    // Bodies are bytes or a factory, so every attempt can resend them.
    const retryable = request.retryable ?? request.method !== 'PATCH';
    const wait = this.#options.sleep ?? sleep;
    const now = this.#options.now ?? Date.now;
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse;
      try {
        response = await this.#sendFollowing(request);
      } catch (error) {
        if (retryable && attempt < retry.retries && isResetError(error) && !request.signal?.aborted) {
          await wait(backoffDelay(retry, attempt, this.#options.random), request.signal).catch(
            (e: unknown) => {
              throw networkError(e, request.context, request.signal);
            },
          );
          continue;
        }
        throw networkError(error, request.context, request.signal);
      }
      if (!retryable || attempt >= retry.retries || !isRetryableStatus(response.status)) return response;
      const retryAfter = parseRetryAfter(headerValue(response.headers, 'retry-after'), now());
      // A server asking for a longer pause than we are willing to wait gets its answer returned.
      if (retryAfter !== undefined && retryAfter > retry.maxDelayMs) return response;
      await drain(response);
      const delay = retryAfter ?? backoffDelay(retry, attempt, this.#options.random);
      await wait(delay, request.signal).catch((e: unknown) => {
        throw networkError(e, request.context, request.signal);
      });
    }
  }

  async #sendFollowing(request: HttpRequest): Promise<HttpResponse> {
    const follow = request.followRedirects ?? (request.method === 'GET' || request.method === 'HEAD');
    const maxRedirects = this.#options.maxRedirects ?? 5;
    let url = request.url;
    let headers = { ...request.headers };
    let method = request.method;
    for (let hop = 0; ; hop++) {
      const response = await this.#sendOnce({ ...request, url, headers, method });
      const location = headerValue(response.headers, 'location');
      if (!follow || ![301, 302, 303, 307, 308].includes(response.status) || location === undefined) {
        return response;
      }
      await drain(response);
      if (hop >= maxRedirects) {
        throw limitError(
          'REGISTRY_PROTOCOL',
          `${request.context.operation} ${request.context.registry}`,
          'redirects',
          hop + 1,
          maxRedirects,
        );
      }
      const next = new URL(location, url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new BosunError(
          'REGISTRY_PROTOCOL',
          `${request.context.operation}: redirect to an unsupported scheme`,
          {
            details: { registry: request.context.registry, operation: request.context.operation },
          },
        );
      }
      // Never downgrade a TLS request to plain HTTP unless the client is insecure.
      if (url.protocol === 'https:' && next.protocol === 'http:' && !this.#options.insecure) {
        throw new BosunError(
          'REGISTRY_PROTOCOL',
          `${request.context.operation}: refusing a redirect from HTTPS to HTTP`,
          {
            details: { registry: request.context.registry, operation: request.context.operation },
          },
        );
      }
      if (next.origin !== url.origin) {
        // Storage backends (S3, GCS) get signed URLs; our credentials are for the registry only.
        const { authorization: _dropped, ...rest } = headers;
        headers = rest;
      }
      if (response.status === 303) method = 'GET';
      url = next;
    }
  }

  async #sendOnce(request: HttpRequest): Promise<HttpResponse> {
    const release = await this.#semaphore.acquire(request.signal);
    try {
      let body: Uint8Array | Readable | undefined;
      if (request.body instanceof Uint8Array) body = request.body;
      else if (request.body !== undefined) body = await request.body.open();
      const response = await this.#agent.request({
        origin: request.url.origin,
        path: `${request.url.pathname}${request.url.search}`,
        method: request.method,
        headers: { 'user-agent': this.#options.userAgent, ...request.headers },
        ...(body === undefined ? {} : { body }),
        ...(request.signal === undefined ? {} : { signal: request.signal }),
        headersTimeout: this.#options.timeoutMs,
        bodyTimeout: this.#options.timeoutMs,
      });
      const stream = response.body as unknown as Readable;
      stream.once('close', release);
      if (stream.destroyed) release();
      return {
        status: response.statusCode,
        headers: response.headers as IncomingHttpHeaders,
        body: stream,
        url: request.url,
      };
    } catch (error) {
      release();
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#agent.close();
  }
}

/** Abandons a body without reading it (undici reports an unread destroyed body as an error: ignore it). */
export function discard(body: Readable): void {
  body.on('error', () => undefined);
  body.destroy();
}

/** Reads and discards a body (releases its slot; keeps the connection reusable). */
export async function drain(response: HttpResponse): Promise<void> {
  try {
    for await (const _chunk of response.body) {
      // discard
    }
  } catch {
    // The body's error does not matter when we throw it away.
  }
}

/**
 * Reads a whole body up to `max` bytes; beyond that the body is destroyed and `code` is thrown
 * naming the input and the limit. Network errors while reading are mapped.
 */
export async function readBody(
  response: HttpResponse,
  max: number,
  input: string,
  context: RequestContext,
  code: ErrorCode = 'IMAGE_LIMIT',
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const declared = Number(headerValue(response.headers, 'content-length'));
  if (Number.isFinite(declared) && declared > max) {
    discard(response.body);
    throw limitError(code, input, 'size', declared, max);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body) {
      const buf = chunk as Buffer;
      total += buf.length;
      if (total > max) {
        discard(response.body);
        throw limitError(code, input, 'size', total, max);
      }
      chunks.push(buf);
    }
  } catch (error) {
    throw networkError(error, context, signal);
  }
  return new Uint8Array(Buffer.concat(chunks, total));
}
