import { describe, expect, it } from 'vitest';
import { applyPolicy, InMemoryImageFacts, loadPolicyDocuments, type JsonObject } from '../index.ts';

const KEY = '-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----';
const OTHER = '-----BEGIN PUBLIC KEY-----\nBBBB\n-----END PUBLIC KEY-----';
const DIGEST = `sha256:${'b'.repeat(64)}`;
const SBOM = 'https://cyclonedx.org/bom';

const facts = new InMemoryImageFacts({
  'registry.example.com/app:signed': {
    digest: DIGEST,
    signatures: [{ publicKey: KEY }],
    attestations: [
      { publicKey: KEY, statement: { predicateType: SBOM, predicate: { bomFormat: 'CycloneDX' } } },
    ],
  },
  'registry.example.com/app:unsigned': { digest: `sha256:${'c'.repeat(64)}` },
});

function ivpol(spec: JsonObject): JsonObject {
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name: 'iv' },
    spec: {
      validationActions: ['Deny'],
      matchConstraints: {
        resourceRules: [
          { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] },
        ],
      },
      matchImageReferences: [{ glob: 'registry.example.com/*' }],
      attestors: [
        { name: 'org', cosign: { key: { data: KEY } } },
        { name: 'other', cosign: { key: { data: OTHER } } },
        { name: 'notary', notary: { certs: { value: 'x' } } },
      ],
      attestations: [{ name: 'sbom', intoto: { type: SBOM } }],
      ...spec,
    },
  };
}

const pod = (...images: string[]): JsonObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'default' },
  spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) },
});

const signed = 'registry.example.com/app:signed';
const unsigned = 'registry.example.com/app:unsigned';
const sigCheck = (attestor: string): JsonObject => ({
  expression: `images.containers.all(i, verifyImageSignatures(i, [attestors.${attestor}]) > 0)`,
  message: 'unsigned',
});
const relaxed = { validationConfigurations: { verifyDigest: false, mutateDigest: false } };

async function run(spec: JsonObject, resource: JsonObject): Promise<[string, string, boolean]> {
  const loaded = loadPolicyDocuments([ivpol(spec)], { strict: false });
  const r = await applyPolicy(loaded.policies[0]!, resource, { imageFacts: facts });
  const rule = r.rules[0];
  return [rule?.status ?? 'none', rule?.message ?? '', rule?.unsupported !== undefined];
}

describe('ImageValidatingPolicy', () => {
  it.each<[string, JsonObject, JsonObject, [string, string, boolean]]>([
    [
      'signed image',
      { validations: [sigCheck('org')], ...relaxed },
      pod(signed),
      ['pass', 'image verified', false],
    ],
    [
      'unsigned image',
      { validations: [sigCheck('org')], ...relaxed },
      pod(unsigned),
      ['fail', 'unsigned', false],
    ],
    ['wrong key', { validations: [sigCheck('other')], ...relaxed }, pod(signed), ['fail', 'unsigned', false]],
    [
      'count of verifying attestors',
      {
        validations: [
          {
            expression: 'verifyImageSignatures(images.containers[0], [attestors.org, attestors.other]) == 1',
          },
        ],
        ...relaxed,
      },
      pod(signed),
      ['pass', 'image verified', false],
    ],
    [
      'no matching image: skip',
      { validations: [sigCheck('org')] },
      pod('nginx:1.27'),
      ['skip', 'no image matched matchImageReferences', false],
    ],
    [
      'attestation payload after verification',
      {
        validations: [
          {
            expression:
              'images.containers.all(i, verifyAttestationSignatures(i, attestations.sbom, [attestors.org]) > 0)',
          },
          {
            expression:
              "images.containers.all(i, extractPayload(i, attestations.sbom).predicate.bomFormat == 'CycloneDX')",
          },
        ],
        ...relaxed,
      },
      pod(signed),
      ['pass', 'image verified', false],
    ],
    [
      'payload before verification is an error',
      {
        validations: [
          {
            expression:
              "images.containers.all(i, extractPayload(i, attestations.sbom).predicate.bomFormat == 'x')",
          },
        ],
        ...relaxed,
      },
      pod(signed),
      ['error', expect.stringContaining('cannot be fetched before verifying') as unknown as string, false],
    ],
    [
      'required: an image nothing verified fails',
      { validations: [{ expression: 'true' }], ...relaxed },
      pod(signed),
      ['fail', `image ${signed} is not verified`, false],
    ],
    [
      'verifyDigest without mutateDigest',
      { validations: [sigCheck('org')], validationConfigurations: { mutateDigest: false } },
      pod(signed),
      ['fail', `missing digest for ${signed}`, false],
    ],
    [
      'Notary attestors are unsupported',
      { validations: [sigCheck('notary')], ...relaxed },
      pod(signed),
      ['error', expect.stringContaining('Notary') as unknown as string, true],
    ],
    [
      'matchImageReferences by CEL expression',
      {
        matchImageReferences: [{ expression: "ref.endsWith(':unsigned')" }],
        validations: [sigCheck('org')],
        ...relaxed,
      },
      pod(signed),
      ['skip', 'no image matched matchImageReferences', false],
    ],
    [
      'messageExpression',
      {
        validations: [{ ...sigCheck('org'), messageExpression: "'bad: ' + images.containers[0]" }],
        ...relaxed,
      },
      pod(unsigned),
      ['fail', `bad: ${unsigned}`, false],
    ],
  ])('%s', async (_name, spec, resource, want) => {
    expect(await run(spec, resource)).toEqual(want);
  });

  it('pins matching images to their digest in Deny mode', async () => {
    const loaded = loadPolicyDocuments([ivpol({ validations: [sigCheck('org')] })], { strict: false });
    const r = await applyPolicy(loaded.policies[0]!, pod(signed, 'nginx:1.27'), { imageFacts: facts });
    expect(r.rules.map((x) => [x.status, x.patches])).toEqual([
      ['pass', [{ op: 'replace', path: '/spec/containers/0/image', value: `${signed}@${DIGEST}` }]],
    ]);
    expect(r.patchedResource).toEqual(pod(`${signed}@${DIGEST}`, 'nginx:1.27'));
  });

  it('evaluates the same policy repeatedly with async functions (no stale program state)', async () => {
    const spec = { validations: [sigCheck('org')], ...relaxed };
    const results = [];
    for (const image of [unsigned, signed, unsigned, signed]) results.push((await run(spec, pod(image)))[0]);
    expect(results).toEqual(['fail', 'pass', 'fail', 'pass']);
  });
});
