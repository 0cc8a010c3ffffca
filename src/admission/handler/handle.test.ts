import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryImageFacts, loadPolicies, RegistryImageFacts } from '../../policy/index.ts';
import { admissionReview, workload } from '../../../test/builders/admission-review.ts';
import { decodeAdmissionReview } from '../review/codec.ts';
import { PolicyAdmissionEngine } from '../engine/policy-engine.ts';
import type { AdmissionPolicyEngine, EngineNamespace } from '../engine/types.ts';
import { handleAdmission, type HandleOptions } from './handle.ts';
import { applyJsonPatch } from './json-patch.ts';
import { BosunError } from '../../util/errors.ts';

const REGISTRIES = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: allowed-registries}
spec:
  validationFailureAction: Enforce
  background: false
  rules:
    - name: registries
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "image {{ request.object.metadata.name }} must come from registry.example"
        pattern:
          spec:
            =(initContainers): [{image: "registry.example/*"}]
            containers: [{image: "registry.example/*"}]
`;

const AUDIT_LATEST = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: no-latest}
spec:
  validationFailureAction: Audit
  rules:
    - name: no-latest-tag
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        message: "latest tag is not allowed"
        pattern:
          spec:
            containers: [{image: "!*:latest"}]
`;

function registryLookup(failurePolicy: 'Fail' | 'Ignore'): string {
  return `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: image-config-${failurePolicy.toLowerCase()}}
spec:
  validationFailureAction: Enforce
  failurePolicy: ${failurePolicy}
  rules:
    - name: not-root
      match: {any: [{resources: {kinds: [Pod]}}]}
      context:
        - name: config
          imageRegistry: {reference: "{{ request.object.spec.containers[0].image }}"}
      validate:
        message: "images must not run as root"
        deny:
          conditions:
            any:
              - {key: "{{ config.configData.config.User || '' }}", operator: Equals, value: ""}
`;
}

function engineOf(...texts: string[]): PolicyAdmissionEngine {
  return new PolicyAdmissionEngine(loadPolicies(texts.map((text, i) => ({ name: `p${i}.yaml`, text }))));
}

function request(
  kind: string,
  images: Record<string, string>,
  opts: Parameters<typeof admissionReview>[1] = {},
) {
  const obj = workload(
    kind,
    'web',
    'shop',
    Object.entries(images).map(([name, image]) => ({ name, image })),
  );
  return decodeAdmissionReview(JSON.stringify(admissionReview(obj, { uid: 'uid-1', ...opts })));
}

const options = (extra: Partial<HandleOptions> = {}): HandleOptions => ({
  mode: 'validate',
  signal: AbortSignal.timeout(5000),
  ...extra,
});
const facts = new InMemoryImageFacts();

describe('handleAdmission: validate', () => {
  const engine = engineOf(REGISTRIES, AUDIT_LATEST);

  it('allows a pod whose images satisfy every policy', async () => {
    const out = await handleAdmission(
      request('Pod', { app: 'registry.example/web:1.2' }),
      engine,
      facts,
      options(),
    );
    expect(out.response).toEqual({ uid: 'uid-1', allowed: true });
    expect(out.audit.decision).toEqual('allow');
    expect(out.audit.matchedPolicies).toEqual(['allowed-registries', 'no-latest']);
  });

  it('denies naming the policy, rule, container and image, and warns for Audit failures', async () => {
    const out = await handleAdmission(
      request('Pod', { app: 'registry.example/web:1.2', sidecar: 'docker.io/evil/proxy:latest' }),
      engine,
      facts,
      options(),
    );
    expect(out.response.allowed).toEqual(false);
    expect(out.response.status?.code).toEqual(403);
    const msg = out.response.status?.message ?? '';
    expect(msg).toContain('Pod shop/web denied by Bosun');
    expect(msg).toContain('policy allowed-registries rule registries failed');
    expect(msg).toContain('container "sidecar" image "docker.io/evil/proxy:latest"');
    expect(out.response.warnings).toEqual([
      expect.stringContaining(
        'policy no-latest rule no-latest-tag failed: validation error: latest tag is not allowed',
      ),
    ]);
    expect(out.audit.findings).toEqual([
      { policy: 'allowed-registries', rule: 'registries', status: 'fail', action: 'Enforce' },
      { policy: 'no-latest', rule: 'no-latest-tag', status: 'fail', action: 'Audit' },
    ]);
  });

  it('applies Pod rules to controllers through autogen (Deployment UPDATE with oldObject)', async () => {
    const old = workload('Deployment', 'web', 'shop', [{ name: 'app', image: 'registry.example/web:1.1' }]);
    const out = await handleAdmission(
      request('Deployment', { app: 'quay.io/web:1.2' }, { operation: 'UPDATE', oldObject: old }),
      engine,
      facts,
      options(),
    );
    expect(out.response.allowed).toEqual(false);
    expect(out.response.status?.message).toContain('rule autogen-registries failed');
  });

  it('answers kinds no policy selects without evaluating', async () => {
    let evaluated = 0;
    const counting: AdmissionPolicyEngine = {
      selectsKind: (k) => engine.selectsKind(k),
      needsNamespace: false,
      coversImage: () => true,
      evaluate: async (input) => {
        evaluated++;
        return engine.evaluate(input);
      },
    };
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'shop' }, data: {} };
    const out = await handleAdmission(
      decodeAdmissionReview(JSON.stringify(admissionReview(cm))),
      counting,
      facts,
      options(),
    );
    expect([out.response, out.audit.decision, evaluated]).toEqual([
      { uid: out.response.uid, allowed: true },
      'skip',
      0,
    ]);
  });

  it.each([
    ['allow', true, undefined],
    [
      'warn',
      true,
      ['image "registry.example/web:1.2" in container "app" is not covered by any image policy'],
    ],
    ['deny', false, undefined],
  ] as const)('no-match %s', async (noMatch, allowed, warnings) => {
    const out = await handleAdmission(
      request('Pod', { app: 'registry.example/web:1.2' }),
      engine,
      facts,
      options({ noMatch }),
    );
    expect(out.response.allowed).toEqual(allowed);
    expect(out.response.warnings).toEqual(warnings);
    if (!allowed) expect(out.response.status?.message).toContain('is not covered by any image policy');
  });

  it('treats an engine failure by the configured failure policy', async () => {
    const broken: AdmissionPolicyEngine = {
      selectsKind: () => true,
      needsNamespace: false,
      coversImage: () => true,
      evaluate: async () => {
        throw new TypeError('boom');
      },
    };
    const closed = await handleAdmission(request('Pod', { app: 'x:1' }), broken, facts, options());
    const open = await handleAdmission(
      request('Pod', { app: 'x:1' }),
      broken,
      facts,
      options({ failurePolicy: 'Ignore' }),
    );
    expect([closed.response.allowed, open.response.allowed]).toEqual([false, true]);
    expect(open.audit.failOpen).toEqual([{ policy: '(engine)', rule: '(evaluation)', reason: 'ERROR' }]);
  });
});

describe('handleAdmission: namespace labels', () => {
  // Only namespaces labelled `env: prod` get the registry rule (Kyverno namespaceSelector).
  const PROD_ONLY = `
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: prod-registries}
spec:
  validationFailureAction: Enforce
  rules:
    - name: registries
      match:
        any:
          - resources:
              kinds: [Pod]
              namespaceSelector: {matchLabels: {env: prod}}
      validate:
        message: "prod images come from registry.example"
        pattern: {spec: {containers: [{image: "registry.example/*"}]}}
`;
  const engine = engineOf(PROD_ONLY);
  const labelsOf =
    (labels: Record<string, string>) =>
    async (name: string): Promise<EngineNamespace> => ({
      labels,
      object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } },
    });

  it('needs the namespace only when a policy selects by it', () => {
    expect([engine.needsNamespace, engineOf(REGISTRIES).needsNamespace]).toEqual([true, false]);
  });

  it.each([
    ['a prod namespace: the rule applies', { env: 'prod' }, false],
    ['another namespace: the rule does not select the pod', { env: 'dev' }, true],
  ] as const)('%s', async (_name, labels, allowed) => {
    const asked: string[] = [];
    const lookup = labelsOf(labels);
    const out = await handleAdmission(
      request('Pod', { app: 'docker.io/other/web:1' }),
      engine,
      facts,
      options({
        namespace: async (name) => {
          asked.push(name);
          return lookup(name);
        },
      }),
    );
    expect([out.response.allowed, asked]).toEqual([allowed, ['shop']]);
  });

  it('a namespace that cannot be read is an error under the failure policy', async () => {
    const unreadable = async (): Promise<never> => {
      throw new BosunError('ADMISSION_KUBE_TIMEOUT', 'Namespace shop: no answer within 3000 ms');
    };
    const closed = await handleAdmission(
      request('Pod', { app: 'docker.io/other/web:1' }),
      engine,
      facts,
      options({ namespace: unreadable }),
    );
    const open = await handleAdmission(
      request('Pod', { app: 'docker.io/other/web:1' }),
      engine,
      facts,
      options({ namespace: unreadable, failurePolicy: 'Ignore' }),
    );
    expect(closed.response.allowed).toBe(false);
    expect(closed.response.status?.message).toContain(
      'the labels of namespace shop could not be read (ADMISSION_KUBE_TIMEOUT)',
    );
    expect(open.response.allowed).toBe(true);
    expect(open.response.warnings?.[0]).toContain('allowed because the policy fails open');
  });
});

describe('handleAdmission: registry failures', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  let silentPort = 0;
  let refusedPort = 0;
  beforeAll(async () => {
    // A TCP server that accepts and never answers: a registry slower than any deadline.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    refusedPort = (closed.address() as { port: number }).port;
    await new Promise<void>((r) => closed.close(() => r()));
  });
  const registryFacts = new RegistryImageFacts({ insecure: true, timeoutMs: 30_000 });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await registryFacts.close();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it.each([
    ['Fail', false],
    ['Ignore', true],
  ] as const)('unreachable registry with failurePolicy %s', async (fp, allowed) => {
    const image = `127.0.0.1:${refusedPort}/app:1`;
    const out = await handleAdmission(
      request('Pod', { app: image }),
      engineOf(registryLookup(fp)),
      registryFacts,
      options(),
    );
    expect(out.response.allowed).toEqual(allowed);
    const text = allowed ? (out.response.warnings ?? []).join('\n') : (out.response.status?.message ?? '');
    expect(text).toContain(`the registry could not be reached for image ${image} (REGISTRY_UNREACHABLE)`);
    expect(text).toContain(`container "app" image "${image}"`);
    expect(out.audit.factFailures).toEqual([{ reference: image, code: 'REGISTRY_UNREACHABLE' }]);
  });

  it('answers within the deadline when the registry never responds', async () => {
    const image = `127.0.0.1:${silentPort}/app:1`;
    const started = Date.now();
    const out = await handleAdmission(
      request('Pod', { app: image }),
      engineOf(registryLookup('Fail')),
      registryFacts,
      options({ signal: AbortSignal.timeout(300) }),
    );
    const elapsed = Date.now() - started;
    expect(out.response.allowed).toEqual(false);
    expect(out.response.status?.message).toContain('the registry did not answer within the deadline');
    // Not a timing assertion on speed: only that the 30 s client timeout did not decide.
    expect(elapsed < 20_000).toEqual(true);
  });
});

describe('handleAdmission: mutate', () => {
  it('returns the engine mutation as a JSON patch and never denies', async () => {
    const req = request('Pod', { app: 'registry.example/web:1.2' });
    const digest = `sha256:${'a'.repeat(64)}`;
    const pinning: AdmissionPolicyEngine = {
      selectsKind: () => true,
      needsNamespace: false,
      coversImage: () => true,
      evaluate: async ({ object }) => {
        const patched = structuredClone(object) as { spec: { containers: { image: string }[] } };
        patched.spec.containers[0]!.image = `registry.example/web:1.2@${digest}`;
        return { findings: [], matchedPolicies: ['pin'], patched: patched as never };
      },
    };
    const out = await handleAdmission(req, pinning, facts, options({ mode: 'mutate' }));
    expect(out.response).toEqual({
      uid: 'uid-1',
      allowed: true,
      patch: [
        { op: 'replace', path: '/spec/containers/0/image', value: `registry.example/web:1.2@${digest}` },
      ],
    });
    expect(applyJsonPatch(req.object, out.response.patch!)).toEqual(
      expect.objectContaining({
        spec: expect.objectContaining({
          containers: [{ name: 'app', image: `registry.example/web:1.2@${digest}` }],
        }),
      }),
    );
  });
});
