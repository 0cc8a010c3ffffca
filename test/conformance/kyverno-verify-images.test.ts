// Kyverno's image suites that need a registry on the internet (ghcr.io signatures, Docker Hub
// metadata), re-run against a LOCAL registry: the suite is rewritten into a temp dir with local
// image references, a generated cosign key in place of Kyverno's, and (ImageValidatingPolicy)
// the Notary certificate attestor and SBOM referrer replaced by a cosign key attestor and a
// CycloneDX in-toto attestation. Images are pushed, signed and attested by src/sign, and the
// rewritten suites are judged against Kyverno's expected results by runKyvernoTests with
// CachedImageFacts over RegistryImageFacts. The suites stay listed as unsupported in kyverno-cli.test.ts (no network).
// Not here: registry/ (imageRegistry context entries inside foreach are not evaluated yet).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKyvernoTests, type JsonObject, type JsonValue } from '../../src/policy/index.ts';
import {
  mapStrings,
  rewriteSuite,
  samePem,
  startSigningRegistry,
  type SigningRegistry,
} from '../support/signing-registry.ts';

const SUITES = fileURLToPath(new URL('../../../shared/conformance/kyverno-cli/', import.meta.url));
const KYVERNO_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM
5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==
-----END PUBLIC KEY-----`;
const CYCLONEDX = 'https://cyclonedx.org/bom';

let reg: SigningRegistry;
let work: string;

beforeAll(async () => {
  reg = await startSigningRegistry();
  work = await mkdtemp(join(tmpdir(), 'bosun-kyverno-images-'));
  const repo = `${reg.host}/kyverno/test-verify-image`;
  await reg.push('kyverno/test-verify-image', 'signed');
  await reg.push('kyverno/test-verify-image', 'unsigned');
  await reg.sign(`${repo}:signed`);
  await reg.attest(`${repo}:signed`, CYCLONEDX, {
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [],
  });
  // The unsigned image carries a signature by a key the policies do not trust.
  await reg.sign(`${repo}:unsigned`, { key: reg.strangerKey });
  // registry/: a non-root image, a single-arch index, and a buildkit-built multi-platform image.
  await reg.push('solr', 'latest', { config: { config: { User: '8983' } } });
  await reg.push('solr', '6', { index: true, config: { config: { User: '8983' } } });
  const buildinfo = Buffer.from(
    JSON.stringify({ sources: [{ type: 'docker-image', ref: 'docker.io/library/alpine:3.16' }] }),
  ).toString('base64');
  await reg.push('kyverno/kyverno', 'v1.7.3', {
    index: true,
    config: { config: { User: '65534' }, 'moby.buildkit.buildinfo.v1': buildinfo },
  });
});

afterAll(async () => {
  await reg?.stop();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** Local image references and the generated key instead of ghcr.io, Docker Hub and Kyverno's key. */
function localise(text: string): string {
  if (samePem(text, KYVERNO_KEY)) return reg.publicPem;
  const exact: Record<string, string> = {
    solr: `${reg.host}/solr`,
    'solr:6': `${reg.host}/solr:6`,
    'ghcr.io': reg.host,
    'ghcr.io/*': `${reg.host}/*`,
  };
  if (exact[text] !== undefined) return exact[text];
  return text.replaceAll('ghcr.io/kyverno/', `${reg.host}/kyverno/`);
}

/** ImageValidatingPolicy: Notary certificate → cosign key attestor; SBOM referrer → CycloneDX in-toto. */
function cosignIvpol(doc: JsonObject): JsonObject {
  if (doc['kind'] !== 'ImageValidatingPolicy') return doc;
  const spec = doc['spec'] as JsonObject;
  const attestors = (spec['attestors'] as JsonObject[] | undefined) ?? [];
  const attestations = (spec['attestations'] as JsonObject[] | undefined) ?? [];
  const validations = (spec['validations'] as JsonObject[] | undefined) ?? [];
  return {
    ...doc,
    spec: {
      ...spec,
      attestors: attestors.map((a) => ({
        name: a['name'] as JsonValue,
        cosign: { key: { data: reg.publicPem } },
      })),
      attestations: attestations.map((a) => ({ name: a['name'] as JsonValue, intoto: { type: CYCLONEDX } })),
      validations: validations.map((v) => ({
        ...v,
        expression: String(v['expression']).replace(
          /extractPayload\(image, attestations\.(\w+)\)\./gu,
          'extractPayload(image, attestations.$1).predicate.',
        ),
      })),
    },
  };
}

async function run(suite: string): Promise<{ id: string; verdict: string; reason: string }[]> {
  const dest = join(work, suite);
  await rewriteSuite(join(SUITES, suite), dest, (doc) =>
    cosignIvpol(mapStrings(doc, localise) as JsonObject),
  );
  const result = await runKyvernoTests(dest, { imageFacts: reg.facts });
  expect(result.brokenSuites).toEqual([]);
  return result.cases.map((c) => ({
    id: `${suite}#${c.policy}/${c.rule}/${c.resource}`,
    verdict: c.verdict,
    reason: c.reason,
  }));
}

describe('Kyverno image suites against a local registry', () => {
  it.each([
    ['test/images/signatures', 2],
    ['test/images/verify-signature', 4],
    ['test-image-validating-policy/sample-policy', 2],
    ['test-image-validating-policy/with-cel-exceptions', 3],
  ])('%s: every case agrees with Kyverno', async (suite, count) => {
    const cases = await run(suite);
    expect(cases.length).toBe(count);
    expect(cases.filter((c) => c.verdict !== 'pass')).toEqual([]);
  });

  it('pins verified images to their digest in Enforce (mutateDigest) and returns the patch', async () => {
    const dest = join(work, 'pin');
    await rewriteSuite(
      join(SUITES, 'test/images/signatures'),
      dest,
      (doc) => mapStrings(doc, localise) as JsonObject,
    );
    const { loadPolicies, applyPolicy, parseYamlDocuments } = await import('../../src/policy/index.ts');
    const { readFile } = await import('node:fs/promises');
    const policies = loadPolicies([{ name: 'p', text: await readFile(join(dest, 'policies.yaml'), 'utf8') }]);
    const pod = parseYamlDocuments(
      await readFile(join(dest, 'resources.yaml'), 'utf8'),
      'resources.yaml',
    ).find((d) => (d['metadata'] as JsonObject)['name'] === 'signed')!;
    const digest = await reg.facts.resolveDigest(`${reg.host}/kyverno/test-verify-image:signed`);
    const response = await applyPolicy(policies.policies[0]!, pod, { imageFacts: reg.facts });
    const want = `${reg.host}/kyverno/test-verify-image:signed@${digest}`;
    expect(response.rules.map((r) => [r.status, r.patches])).toEqual([
      ['pass', [{ op: 'replace', path: '/spec/containers/0/image', value: want }]],
    ]);
    expect(
      ((response.patchedResource?.['spec'] as JsonObject)['containers'] as JsonObject[])[0]!['image'],
    ).toBe(want);
  });
});
