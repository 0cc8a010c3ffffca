// Decodes an AdmissionReview request body (untrusted bytes from the network) into a typed request,
// and encodes responses. Bounded: body size and JSON nesting depth. Field shapes follow
// admission.k8s.io/v1 (k8s.io/api/admission/v1/types.go).
import { BosunError, limitError } from '../../util/errors.ts';
import type { JsonObject } from '../../policy/index.ts';
import type {
  AdmissionOperation,
  AdmissionRequest,
  AdmissionResponse,
  AdmissionUserInfo,
  GroupVersionKind,
  GroupVersionResource,
} from './types.ts';

export interface ReviewLimits {
  /** Largest request body in bytes (default 8 MiB: object + oldObject at the API server's 3 MiB each). */
  readonly maxBytes: number;
  /** Deepest JSON nesting (default 100). */
  readonly maxDepth: number;
}

export const DEFAULT_REVIEW_LIMITS: ReviewLimits = Object.freeze({
  maxBytes: 8 * 1024 * 1024,
  maxDepth: 100,
});

const OPERATIONS = new Set<string>(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

function invalid(message: string, field: string): BosunError {
  return new BosunError('ADMISSION_REVIEW_INVALID', `AdmissionReview: ${message}`, {
    details: { input: field },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Iterative depth check: the engine walks objects recursively, so depth is bounded first. */
function checkDepth(root: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) throw limitError('LIMIT_EXCEEDED', 'AdmissionReview', 'depth', depth, maxDepth);
    for (const child of Object.values(value))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
}

function str(
  obj: Record<string, unknown>,
  key: string,
  field: string,
  required: boolean,
): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) {
    if (required) throw invalid(`${field} is required`, field);
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(`${field} must be a string`, field);
  return v;
}

function gvk(value: unknown, field: string): GroupVersionKind {
  if (!isRecord(value)) throw invalid(`${field} must be an object`, field);
  return {
    group: str(value, 'group', `${field}.group`, false) ?? '',
    version: str(value, 'version', `${field}.version`, true)!,
    kind: str(value, 'kind', `${field}.kind`, true)!,
  };
}

function gvr(value: unknown, field: string): GroupVersionResource {
  if (!isRecord(value)) throw invalid(`${field} must be an object`, field);
  return {
    group: str(value, 'group', `${field}.group`, false) ?? '',
    version: str(value, 'version', `${field}.version`, true)!,
    resource: str(value, 'resource', `${field}.resource`, true)!,
  };
}

function userInfo(value: unknown): AdmissionUserInfo {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalid('request.userInfo must be an object', 'request.userInfo');
  const groups = value['groups'];
  if (
    groups !== undefined &&
    groups !== null &&
    (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
  )
    throw invalid('request.userInfo.groups must be a list of strings', 'request.userInfo.groups');
  const username = str(value, 'username', 'request.userInfo.username', false);
  const uid = str(value, 'uid', 'request.userInfo.uid', false);
  return {
    ...(username === undefined ? {} : { username }),
    ...(uid === undefined ? {} : { uid }),
    ...(Array.isArray(groups) ? { groups: groups as string[] } : {}),
  };
}

function object(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw invalid(`${field} must be an object`, field);
  return value as JsonObject;
}

/** Parses an AdmissionReview body: a request, or a BosunError (ADMISSION_REVIEW_INVALID / LIMIT_EXCEEDED). */
export function decodeAdmissionReview(
  body: Uint8Array | string,
  limits: Partial<ReviewLimits> = {},
): AdmissionRequest {
  const { maxBytes, maxDepth } = { ...DEFAULT_REVIEW_LIMITS, ...limits };
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > maxBytes) throw limitError('LIMIT_EXCEEDED', 'AdmissionReview', 'size', size, maxBytes);
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      typeof body === 'string'
        ? body
        : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'),
    );
  } catch (cause) {
    throw new BosunError('ADMISSION_REVIEW_INVALID', 'AdmissionReview: body is not JSON', {
      cause,
      details: { input: 'body' },
    });
  }
  checkDepth(parsed, maxDepth);
  if (!isRecord(parsed)) throw invalid('body must be an object', 'body');
  if (parsed['apiVersion'] !== 'admission.k8s.io/v1' || parsed['kind'] !== 'AdmissionReview')
    throw invalid('only admission.k8s.io/v1 AdmissionReview is accepted', 'apiVersion');
  const request = parsed['request'];
  if (!isRecord(request)) throw invalid('request is required', 'request');
  const uid = str(request, 'uid', 'request.uid', true)!;
  if (uid === '' || uid.length > 256) throw invalid('request.uid must be 1-256 characters', 'request.uid');
  const operation = str(request, 'operation', 'request.operation', true)!;
  if (!OPERATIONS.has(operation))
    throw invalid('request.operation is not an admission operation', 'request.operation');
  const dryRun = request['dryRun'];
  if (dryRun !== undefined && dryRun !== null && typeof dryRun !== 'boolean')
    throw invalid('request.dryRun must be a boolean', 'request.dryRun');
  const subResource = str(request, 'subResource', 'request.subResource', false);
  const name = str(request, 'name', 'request.name', false);
  const namespace = str(request, 'namespace', 'request.namespace', false);
  const obj = object(request['object'], 'request.object');
  const oldObj = object(request['oldObject'], 'request.oldObject');
  return {
    uid,
    kind: gvk(request['kind'], 'request.kind'),
    resource: gvr(request['resource'], 'request.resource'),
    ...(subResource === undefined || subResource === '' ? {} : { subResource }),
    ...(name === undefined || name === '' ? {} : { name }),
    ...(namespace === undefined || namespace === '' ? {} : { namespace }),
    operation: operation as AdmissionOperation,
    userInfo: userInfo(request['userInfo']),
    ...(obj === undefined ? {} : { object: obj }),
    ...(oldObj === undefined ? {} : { oldObject: oldObj }),
    dryRun: dryRun === true,
  };
}

/** The uid of a body that failed to decode, when it can still be read (so the API server can match the answer). */
export function peekRequestUid(body: Uint8Array | string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
    if (!isRecord(parsed) || !isRecord(parsed['request'])) return undefined;
    const uid = parsed['request']['uid'];
    return typeof uid === 'string' && uid.length <= 256 ? uid : undefined;
  } catch {
    return undefined;
  }
}

/** The AdmissionReview the webhook answers with (patch base64-encoded, as the API expects). */
export function encodeAdmissionResponse(response: AdmissionResponse): string {
  const { patch, ...rest } = response;
  const body = {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: {
      ...rest,
      ...(patch === undefined || patch.length === 0
        ? {}
        : { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') }),
    },
  };
  return JSON.stringify(body);
}
