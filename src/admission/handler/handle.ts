// The admission decision, as a function of the request, the policies (through the engine) and
// the image facts. No I/O of its own: the server passes facts and a deadline, and records the
// returned audit record. It never throws: any error becomes an answer under the failure policy.
import { isBosunError } from '../../util/errors.ts';
import type { ImageFacts, JsonObject } from '../../policy/index.ts';
import type {
  AdmissionPolicyEngine,
  EngineEvaluation,
  EngineNamespace,
  FailurePolicy,
  RuleFinding,
} from '../engine/types.ts';
import { requestFacts, type FactFailure } from '../facts/request-facts.ts';
import type { AdmissionRequest, AdmissionResponse, JsonPatchOperation } from '../review/types.ts';
import { listContainers, type ContainerRef } from '../review/workload.ts';
import { containersNamedIn, describeContainers } from './attribution.ts';
import { diffJson } from './json-patch.ts';
import type { AuditRecord, Decision } from './audit-record.ts';

/** What to do with an image no policy verifies (as sigstore policy-controller's no-match-policy). */
export type NoMatchMode = 'allow' | 'warn' | 'deny';

export interface HandleOptions {
  /** validate: allow/deny with warnings; mutate: allow with a JSON patch. */
  readonly mode: 'validate' | 'mutate';
  readonly noMatch?: NoMatchMode;
  /** What an engine failure outside any one policy means (default Fail). */
  readonly failurePolicy?: FailurePolicy;
  /** The request deadline. */
  readonly signal: AbortSignal;
  /** Most warnings returned (the API server shows them to the client; default 20). */
  readonly maxWarnings?: number;
  /**
   * Reads a namespace's labels and object (Kubernetes API) for engines that need them. Without it
   * such policies see no namespace labels. A failed read is an engine error under the failure policy.
   */
  readonly namespace?: (name: string) => Promise<EngineNamespace>;
}

export interface AdmissionOutcome {
  readonly response: AdmissionResponse;
  readonly audit: AuditRecord;
}

const MAX_MESSAGE = 4000;

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function objectName(request: AdmissionRequest, object: JsonObject | undefined): string {
  const meta = object?.['metadata'];
  const m = typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? meta : {};
  const name =
    request.name ??
    (typeof m['name'] === 'string'
      ? m['name']
      : typeof m['generateName'] === 'string'
        ? `${m['generateName']}*`
        : '');
  const ns = request.namespace ?? '';
  return `${request.kind.kind} ${ns === '' ? '' : `${ns}/`}${name}`.trimEnd();
}

function transportPhrase(failures: readonly FactFailure[]): string {
  if (failures.length === 0) return 'the policy could not be evaluated';
  const f = failures[0]!;
  const what =
    f.code === 'REGISTRY_TIMEOUT'
      ? 'the registry did not answer within the deadline'
      : f.code.startsWith('REGISTRY_') || f.code.startsWith('CREDENTIALS_')
        ? 'the registry could not be reached'
        : 'image facts could not be read';
  return `${what} for image ${f.reference} (${f.code})`;
}

function findingLine(
  f: RuleFinding,
  containers: readonly ContainerRef[],
  failures: readonly FactFailure[],
): string {
  const named = containersNamedIn(f.message, containers, f.status === 'error' ? failures : []);
  const head = `policy ${f.policy} rule ${f.rule}`;
  if (f.status === 'error') {
    const reason = failures.length > 0 ? transportPhrase(failures) : clip(f.message, 300);
    return `${head} could not be evaluated: ${reason}${describeContainers(named)}`;
  }
  return `${head} failed: ${clip(f.message, 500)}${describeContainers(named)}`;
}

/** Decides one admission request. */
export async function handleAdmission(
  request: AdmissionRequest,
  engine: AdmissionPolicyEngine,
  facts: ImageFacts,
  options: HandleOptions,
): Promise<AdmissionOutcome> {
  const noMatch = options.noMatch ?? 'allow';
  const object = request.operation === 'DELETE' ? request.oldObject : request.object;
  const containers = listContainers(request.kind.kind, object);
  const base = {
    uid: request.uid,
    kind: request.kind.kind,
    ...(request.namespace === undefined ? {} : { namespace: request.namespace }),
    ...(request.name === undefined ? {} : { name: request.name }),
    operation: request.operation,
    ...(request.subResource === undefined ? {} : { subResource: request.subResource }),
    dryRun: request.dryRun,
    mode: options.mode,
    ...(request.userInfo.username === undefined ? {} : { user: request.userInfo.username }),
    images: containers.map((c) => c.image),
  };
  const answer = (
    decision: Decision,
    response: Omit<AdmissionResponse, 'uid'>,
    extra: Partial<AuditRecord> = {},
  ): AdmissionOutcome => ({
    response: { uid: request.uid, ...response },
    audit: {
      ...base,
      decision,
      findings: [],
      factFailures: [],
      failOpen: [],
      warnings: response.warnings?.length ?? 0,
      ...extra,
    },
  });

  // Only CREATE and UPDATE carry an object to judge; nothing selected means nothing to do.
  if (object === undefined || (request.operation !== 'CREATE' && request.operation !== 'UPDATE'))
    return answer('skip', { allowed: true });
  const selected = engine.selectsKind(request.kind.kind, request.subResource);
  if (!selected && (noMatch === 'allow' || containers.length === 0 || options.mode === 'mutate'))
    return answer('skip', { allowed: true });

  const bound = requestFacts(facts, options.signal);
  let evaluation: EngineEvaluation;
  let namespaceRead = true;
  try {
    let namespace: EngineNamespace | undefined;
    if (selected && engine.needsNamespace && options.namespace !== undefined && request.namespace) {
      namespaceRead = false;
      namespace = await options.namespace(request.namespace);
      namespaceRead = true;
    }
    evaluation = selected
      ? await engine.evaluate({
          request,
          object,
          facts: bound.facts,
          signal: options.signal,
          ...(namespace === undefined ? {} : { namespace }),
        })
      : { findings: [], matchedPolicies: [] };
  } catch (error) {
    const code = isBosunError(error) ? error.code : 'INTERNAL';
    const fp = options.failurePolicy ?? 'Fail';
    evaluation = {
      matchedPolicies: [],
      findings: [
        {
          policy: '(engine)',
          rule: '(evaluation)',
          status: 'error',
          action: 'Enforce',
          failurePolicy: fp,
          message: namespaceRead
            ? `evaluation failed (${code})`
            : `the labels of namespace ${request.namespace ?? ''} could not be read (${code})`,
        },
      ],
    };
  }
  const failures = bound.failures;
  const denials: string[] = [];
  const warnings: string[] = [];
  const failOpen: { policy: string; rule: string; reason: string }[] = [];
  for (const f of evaluation.findings) {
    const line = findingLine(f, containers, failures);
    if (f.status === 'error') {
      if (f.failurePolicy === 'Fail') denials.push(line);
      else {
        warnings.push(`${line}; allowed because the policy fails open`);
        failOpen.push({ policy: f.policy, rule: f.rule, reason: failures[0]?.code ?? 'ERROR' });
      }
    } else if (f.status === 'fail' && f.action === 'Enforce') denials.push(line);
    else warnings.push(line);
  }
  if (noMatch !== 'allow') {
    for (const c of containers) {
      if (engine.coversImage(c.image)) continue;
      const line = `image "${c.image}" in container "${c.name}" is not covered by any image policy`;
      (noMatch === 'deny' ? denials : warnings).push(line);
    }
  }
  const auditExtra: Partial<AuditRecord> = {
    findings: evaluation.findings.map((f) => ({
      policy: f.policy,
      rule: f.rule,
      status: f.status,
      action: f.action,
    })),
    factFailures: failures.slice(0, 20),
    failOpen,
    matchedPolicies: evaluation.matchedPolicies,
  };

  if (options.mode === 'mutate') {
    let patch: JsonPatchOperation[] = [];
    if (evaluation.patched !== undefined) patch = diffJson(object, evaluation.patched);
    return answer('allow', patch.length > 0 ? { allowed: true, patch } : { allowed: true }, {
      ...auditExtra,
      patched: patch.length > 0,
    });
  }

  const max = options.maxWarnings ?? 20;
  const shownWarnings =
    warnings.length > max
      ? [...warnings.slice(0, max - 1), `${warnings.length - max + 1} more warnings`]
      : warnings;
  const warn = shownWarnings.length > 0 ? { warnings: shownWarnings.map((w) => clip(w, 1000)) } : {};
  if (denials.length > 0) {
    const message = clip(
      `${objectName(request, object)} denied by Bosun: ${denials.join('; ')}`,
      MAX_MESSAGE,
    );
    return answer(
      'deny',
      { allowed: false, status: { code: 403, reason: 'Forbidden', message }, ...warn },
      auditExtra,
    );
  }
  return answer('allow', { allowed: true, ...warn }, auditExtra);
}
