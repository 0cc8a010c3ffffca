/**
 * Registry failures as BosunErrors: network errors (unreachable, timeout, TLS) and HTTP statuses.
 * Details name the registry, repository and operation; never credentials, tokens or auth headers.
 */
import { BosunError, type ErrorCode } from '../../util/errors.ts';

export interface RequestContext {
  readonly registry: string;
  readonly repository?: string;
  /** The tag or digest concerned, when there is one. */
  readonly reference?: string;
  /** What was being done: `get manifest`, `push blob`, ... */
  readonly operation: string;
}

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Transient connection failures worth a retry (the request may not have reached the server). */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ECONNABORTED']);

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
]);

/** The first `code` string along an error's cause chain. */
export function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isResetError(error: unknown): boolean {
  const code = errorCodeOf(error);
  return code !== undefined && RESET_CODES.has(code);
}

function isTlsCode(code: string): boolean {
  return TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_');
}

function where(context: RequestContext): string {
  if (context.repository === undefined) return context.registry;
  const name = `${context.registry}/${context.repository}`;
  if (context.reference === undefined) return name;
  return `${name}${context.reference.includes(':') ? '@' : ':'}${context.reference}`;
}

function details(context: RequestContext, extra: Record<string, string | number | undefined> = {}) {
  return {
    registry: context.registry,
    ...(context.repository === undefined ? {} : { repository: context.repository }),
    ...(context.reference === undefined ? {} : { reference: context.reference }),
    operation: context.operation,
    ...extra,
  };
}

/** Maps a thrown network/abort error to a BosunError (BosunErrors pass through). */
export function networkError(error: unknown, context: RequestContext, signal?: AbortSignal): BosunError {
  if (error instanceof BosunError) return error;
  if (signal?.aborted) {
    return new BosunError('ABORTED', `${context.operation} ${where(context)}: aborted`, {
      cause: error,
      details: details(context),
    });
  }
  const code = errorCodeOf(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return new BosunError('REGISTRY_TIMEOUT', `${context.operation} ${where(context)}: timed out (${code})`, {
      cause: error,
      details: details(context, { reason: code }),
    });
  }
  if (code !== undefined && isTlsCode(code)) {
    return new BosunError(
      'REGISTRY_TLS',
      `${context.operation} ${where(context)}: TLS failure (${code}); pass the registry's CA certificate, or use insecure mode only for test registries`,
      { cause: error, details: details(context, { reason: code }) },
    );
  }
  return new BosunError(
    'REGISTRY_UNREACHABLE',
    `${context.operation} ${where(context)}: connection failed${code === undefined ? '' : ` (${code})`}`,
    { cause: error, details: details(context, code === undefined ? {} : { reason: code }) },
  );
}

/** The error codes from a registry's JSON error body (`{"errors":[{"code":...}]}`), bounded. */
export function registryErrorCodes(body: string): string[] {
  try {
    const value = JSON.parse(body) as unknown;
    const errors = (value as { errors?: unknown }).errors;
    if (!Array.isArray(errors)) return [];
    return errors
      .slice(0, 8)
      .map((e) => (e as { code?: unknown }).code)
      .filter((c): c is string => typeof c === 'string' && /^[A-Z_]{1,64}$/.test(c));
  } catch {
    return [];
  }
}

/** Maps an unexpected HTTP status to a BosunError. */
export function statusError(
  status: number,
  context: RequestContext,
  registryCodes: readonly string[] = [],
  notFound: ErrorCode = 'REGISTRY_NOT_FOUND',
): BosunError {
  const codeText = registryCodes.length > 0 ? ` [${registryCodes.join(', ')}]` : '';
  const info = details(context, {
    status,
    ...(registryCodes.length > 0 ? { registryCode: registryCodes.join(',') } : {}),
  });
  let code: ErrorCode;
  let what: string;
  if (status === 401) {
    code = 'REGISTRY_UNAUTHORIZED';
    what = 'authentication failed';
  } else if (status === 403) {
    code = 'REGISTRY_DENIED';
    what = 'access denied';
  } else if (status === 404) {
    code = notFound;
    what = 'not found';
  } else if (registryCodes.includes('DIGEST_INVALID')) {
    code = 'IMAGE_DIGEST_MISMATCH';
    what = 'the registry rejected the content digest';
  } else if (status === 405) {
    code = 'REGISTRY_UNSUPPORTED';
    what = 'operation not supported by this registry';
  } else {
    code = 'REGISTRY_HTTP';
    what = `unexpected HTTP status ${status}`;
  }
  return new BosunError(code, `${context.operation} ${where(context)}: ${what}${codeText}`, {
    details: info,
  });
}
