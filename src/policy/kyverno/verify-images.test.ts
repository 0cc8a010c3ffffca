import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPolicy,
  InMemoryImageFacts,
  loadPolicyDocuments,
  type JsonObject,
  type JsonValue,
} from '../index.ts';
import type { FakeImage } from '../image-facts.ts';
import { parseImageVerification, splitPemBlocks } from './verify-images-spec.ts';

const pem = (body: string): string => `-----BEGIN PUBLIC KEY-----\n${body}\n-----END PUBLIC KEY-----`;
const A = pem('AAAA');
const B = pem('BBBB');
const DIGEST = `sha256:${'a'.repeat(64)}`;
const REF = 'registry.example.com/team/app:1.0';
const VULN = 'https://cosign.sigstore.dev/attestation/vuln/v1';

function policy(entry: JsonObject, action = 'Enforce'): JsonObject {
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: 'p', annotations: { 'pod-policies.kyverno.io/autogen-controllers': 'none' } },
    spec: {
      rules: [
        {
          name: 'r',
          match: { any: [{ resources: { kinds: ['Pod'] } }] },
          verifyImages: [{ imageReferences: ['registry.example.com/*'], failureAction: action, ...entry }],
        },
      ],
    },
  };
}

function pod(image = REF): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'x' },
    spec: { containers: [{ name: 'c', image }] },
  };
}

const keys = (...k: string[]): JsonObject => ({ entries: [{ keys: { publicKeys: k.join('\n') } }] });

function facts(image: Partial<FakeImage> = {}): InMemoryImageFacts {
  return new InMemoryImageFacts({ [REF]: { digest: DIGEST, ...image } });
}

const signedA = facts({ signatures: [{ publicKey: A }] });
const signedAB = facts({ signatures: [{ publicKey: A }, { publicKey: B }] });
const signedProd = facts({ signatures: [{ publicKey: A, annotations: { env: 'prod' } }] });
const attested = (verdict: string): InMemoryImageFacts =>
  facts({
    attestations: [
      { publicKey: A, statement: { predicateType: VULN, predicate: { verdict, scanner: { n: 0 } } } },
    ],
  });

async function evaluate(
  entry: JsonObject,
  f: InMemoryImageFacts | undefined,
  options: { action?: string; image?: string } = {},
): Promise<[string, string | undefined, unknown]> {
  const loaded = loadPolicyDocuments([policy(entry, options.action)], { strict: false });
  const r = await applyPolicy(
    loaded.policies[0]!,
    pod(options.image),
    f === undefined ? {} : { imageFacts: f },
  );
  const rule = r.rules[0]!;
  return [rule.status, rule.unsupported === undefined ? undefined : 'unsupported', rule.patches];
}

const pin = [{ op: 'replace', path: '/spec/containers/0/image', value: `${REF}@${DIGEST}` }];

describe('verifyImages', () => {
  it.each<[string, JsonObject, InMemoryImageFacts | undefined, { action?: string; image?: string }, unknown]>(
    [
      [
        'signed by the attestor key: pass and pin',
        { attestors: [keys(A)] },
        signedA,
        {},
        ['pass', undefined, pin],
      ],
      ['signed by another key: fail', { attestors: [keys(B)] }, signedA, {}, ['fail', undefined, undefined]],
      [
        'two keys without count: both must sign',
        { attestors: [keys(A, B)] },
        signedA,
        {},
        ['fail', undefined, undefined],
      ],
      ['two keys, both signed', { attestors: [keys(A, B)] }, signedAB, {}, ['pass', undefined, pin]],
      [
        'two keys with count 1: either',
        { attestors: [{ count: 1, entries: [{ keys: { publicKeys: `${B}\n${A}` } }] }] },
        signedA,
        {},
        ['pass', undefined, pin],
      ],
      [
        'every attestor set must pass',
        { attestors: [keys(A), keys(B)] },
        signedA,
        {},
        ['fail', undefined, undefined],
      ],
      [
        'required annotations present',
        { attestors: [{ entries: [{ keys: { publicKeys: A }, annotations: { env: 'prod' } }] }] },
        signedProd,
        {},
        ['pass', undefined, pin],
      ],
      [
        'required annotations absent',
        { attestors: [{ entries: [{ keys: { publicKeys: A }, annotations: { env: 'prod' } }] }] },
        signedA,
        {},
        ['fail', undefined, undefined],
      ],
      [
        'skipImageReferences',
        { attestors: [keys(A)], skipImageReferences: ['registry.example.com/team/*'] },
        signedA,
        {},
        ['skip', undefined, undefined],
      ],
      [
        'image outside imageReferences',
        { attestors: [keys(A)] },
        signedA,
        { image: 'nginx:1.27' },
        ['skip', undefined, undefined],
      ],
      [
        'Audit: no patch, so verifyDigest fails',
        { attestors: [keys(A)] },
        signedA,
        { action: 'Audit' },
        ['fail', undefined, undefined],
      ],
      [
        'Audit without verifyDigest',
        { attestors: [keys(A)], verifyDigest: false },
        signedA,
        { action: 'Audit' },
        ['pass', undefined, undefined],
      ],
      [
        'digest already written: no patch',
        { attestors: [keys(A)] },
        signedA,
        { image: `${REF}@${DIGEST}` },
        ['pass', undefined, undefined],
      ],
      ['no attestors but required: unverified', {}, signedA, {}, ['fail', undefined, undefined]],
      [
        'no attestors, not required, no digest check',
        { required: false, verifyDigest: false, mutateDigest: false },
        undefined,
        {},
        ['pass', undefined, undefined],
      ],
      [
        'attestation conditions over the predicate hold',
        {
          attestations: [
            {
              type: VULN,
              attestors: [keys(A)],
              conditions: [{ all: [{ key: '{{ verdict }}', operator: 'Equals', value: 'pass' }] }],
            },
          ],
        },
        attested('pass'),
        {},
        ['pass', undefined, pin],
      ],
      [
        'attestation conditions over the predicate fail',
        {
          attestations: [
            {
              type: VULN,
              attestors: [keys(A)],
              conditions: [{ all: [{ key: '{{ verdict }}', operator: 'Equals', value: 'pass' }] }],
            },
          ],
        },
        attested('fail'),
        {},
        ['fail', undefined, undefined],
      ],
      [
        'attestation missing',
        { attestations: [{ type: VULN, attestors: [keys(A)] }] },
        signedA,
        {},
        ['fail', undefined, undefined],
      ],
      [
        'attestation signed by another key',
        { attestations: [{ predicateType: VULN, attestors: [keys(B)] }] },
        attested('pass'),
        {},
        ['fail', undefined, undefined],
      ],
      [
        'keyless attestor: unsupported',
        { attestors: [{ entries: [{ keyless: { issuer: 'https://issuer', subject: 'me' } }] }] },
        signedA,
        {},
        ['error', 'unsupported', undefined],
      ],
      [
        'no image facts: unsupported',
        { attestors: [keys(A)] },
        undefined,
        {},
        ['error', 'unsupported', undefined],
      ],
    ],
  )('%s', async (_name, entry, f, options, want) => {
    expect(await evaluate(entry, f, options)).toEqual(want);
  });

  it('splits PEM blocks and keeps non-PEM text whole', () => {
    expect(splitPemBlocks(`${A}\n\n  ${B}\n`)).toEqual([A, B]);
    expect(splitPemBlocks(' k8s://ns/secret ')).toEqual(['k8s://ns/secret']);
  });

  it('returns the pinned resource with the patch', async () => {
    const loaded = loadPolicyDocuments([policy({ attestors: [keys(A)] })], { strict: false });
    const r = await applyPolicy(loaded.policies[0]!, pod(), { imageFacts: signedA });
    expect(r.patchedResource).toEqual(pod(`${REF}@${DIGEST}`));
  });
});

describe('verifyImages on arbitrary input', () => {
  const json = fc.jsonValue({ maxDepth: 4 }) as fc.Arbitrary<JsonValue>;
  const entry = fc.record(
    {
      imageReferences: fc.oneof(fc.constant(['*']), json),
      skipImageReferences: json,
      attestors: fc.oneof(fc.constant([keys(A)]), json),
      attestations: json,
      mutateDigest: json,
      verifyDigest: json,
      required: json,
      count: json,
      type: fc.oneof(fc.constantFrom('Cosign', 'SigstoreBundle'), json),
    },
    { requiredKeys: [] },
  );
  const image = fc.oneof(
    fc.constantFrom(REF, `${REF}@${DIGEST}`, 'nginx', 'a/b:c@d'),
    fc.string({ maxLength: 80 }),
  );

  it('parses any verifyImages entry into a spec', () => {
    fc.assert(
      fc.property(entry, (e) => {
        const spec = parseImageVerification(e as JsonObject);
        expect(typeof spec.mutateDigest).toBe('boolean');
        expect(spec.attestors.every((s) => s.required >= 0)).toBe(true);
      }),
    );
  });

  it('evaluates any entry on any image to a rule status, never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(entry, image, async (e, img) => {
        const [status] = await evaluate(e as JsonObject, signedA, { image: img });
        expect(['pass', 'fail', 'skip', 'error']).toContain(status);
      }),
      { numRuns: 200 },
    );
  });
});
