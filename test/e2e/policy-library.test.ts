// The built-in policy library (policies/ at the repository root): every folder holds a Kyverno
// ClusterPolicy, its CEL version, example resources and a kyverno-test.yaml, and every case agrees
// with the expected result. Offline, the signature and attestation cases are unsupported (never
// passed); against a local registry (images pushed, signed and attested with a generated key, the
// library rewritten to that registry and key) every case passes.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicies, runKyvernoTests, type JsonObject } from '../../src/policy/index.ts';
import {
  mapStrings,
  rewriteSuite,
  samePem,
  startSigningRegistry,
  type SigningRegistry,
} from '../support/signing-registry.ts';
import { readFile } from 'node:fs/promises';
import { BOSUN_SCANNER_URI, MODEL_SCAN_PREDICATE_TYPE } from '../../src/cli/demo/predicates.ts';

const LIBRARY = fileURLToPath(new URL('../../policies/', import.meta.url));
const EXAMPLE_KEY = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE06KptrE2JnOYsjvuaSobJ/YhGiwS
xog9KAcIo/1KZDpLtCUuJ1RatYYimJ39GZgdLf3cXoKJgyFLq0X1Ca8gAQ==
-----END PUBLIC KEY-----`;
const REGISTRY_POLICIES = ['refuse-unsafe-models', 'require-cosign-signature', 'require-vuln-attestation'];
const MODEL_SCAN = MODEL_SCAN_PREDICATE_TYPE;

function bosunReport(critical: number): JsonObject {
  return {
    schemaVersion: 1,
    tool: { name: 'bosun' },
    summary: {
      vulnerabilities: { CRITICAL: critical, HIGH: 1, MEDIUM: 0, LOW: 0, UNKNOWN: 0 },
      suppressed: 0,
      modelsFailed: 0,
    },
    results: [],
  };
}

function vulnPredicate(critical: number, finished: string): JsonObject {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: BOSUN_SCANNER_URI,
      version: '0.1.0',
      db: { uri: 'osv', version: '1' },
      result: bosunReport(critical),
    },
    metadata: { scanStartedOn: finished, scanFinishedOn: finished },
  };
}

function modelScan(verdict: 'pass' | 'fail'): JsonObject {
  return {
    verdict,
    scanner: { uri: BOSUN_SCANNER_URI, version: '0.1.0' },
    files: [{ file: '/models/model.pt', verdict, findings: [] }],
    metadata: { scanFinishedOn: new Date().toISOString() },
  };
}

describe('policy library', () => {
  it('has a ClusterPolicy, a CEL policy and a kyverno-test.yaml in every folder', async () => {
    const folders = (await readdir(LIBRARY, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(folders.length).toBe(7);
    for (const folder of folders) {
      const files = await readdir(join(LIBRARY, folder));
      expect(files).toContain('kyverno-test.yaml');
      const kinds = loadPolicies(
        await Promise.all(
          files
            .filter((f) => f.startsWith(folder))
            .map(async (f) => ({ name: f, text: await readFile(join(LIBRARY, folder, f), 'utf8') })),
        ),
      ).policies.map((p) => p.apiKind);
      expect([folder, kinds.sort()]).toEqual([
        folder,
        [
          'ClusterPolicy',
          REGISTRY_POLICIES.includes(folder) ? 'ImageValidatingPolicy' : 'ValidatingPolicy',
        ].sort(),
      ]);
    }
  });

  it('agrees on every case offline; registry cases are unsupported, never passed', async () => {
    const run = await runKyvernoTests(LIBRARY);
    expect(run.brokenSuites).toEqual([]);
    expect(run.cases.filter((c) => c.verdict === 'fail').map((c) => `${c.id}: ${c.reason}`)).toEqual([]);
    const unsupported = run.cases.filter((c) => c.verdict === 'unsupported');
    expect([...new Set(unsupported.map((c) => c.suite.split('/')[0]))].sort()).toEqual(REGISTRY_POLICIES);
    expect(unsupported.every((c) => c.resource !== '' && !c.resource.startsWith('skipped'))).toBe(true);
    expect(run.summary).toEqual({ total: 64, pass: 44, fail: 0, unsupported: 20 });
  });

  describe('against a local registry', () => {
    let reg: SigningRegistry;
    let work: string;

    beforeAll(async () => {
      reg = await startSigningRegistry();
      work = await mkdtemp(join(tmpdir(), 'bosun-policy-library-'));
      const app = `${reg.host}/team/app`;
      for (const tag of [
        'signed',
        'unsigned',
        'other-key',
        'clean',
        'critical',
        'stale',
        'unscanned',
        '1.4.2',
      ])
        await reg.push('team/app', tag);
      await reg.sign(`${app}:signed`);
      await reg.sign(`${app}:other-key`, { key: reg.strangerKey, format: 'bundle' });
      const now = new Date().toISOString().replace(/\.\d+Z$/u, 'Z');
      await reg.attest(`${app}:clean`, 'vuln', vulnPredicate(0, now));
      await reg.attest(`${app}:critical`, 'vuln', vulnPredicate(2, now), { format: 'bundle' });
      await reg.attest(`${app}:stale`, 'vuln', vulnPredicate(0, '2020-01-01T00:00:00Z'));
      await reg.attest(`${app}:unscanned`, 'vuln', vulnPredicate(0, now), { key: reg.strangerKey });
      const models = `${reg.host}/models/sentiment`;
      for (const tag of ['safe', 'unsafe', 'unscanned']) await reg.push('models/sentiment', tag);
      await reg.attest(`${models}:safe`, MODEL_SCAN, modelScan('pass'));
      await reg.attest(`${models}:unsafe`, MODEL_SCAN, modelScan('fail'), { format: 'bundle' });
      await rewriteSuite(
        LIBRARY,
        work,
        (doc) =>
          mapStrings(doc, (s) =>
            samePem(s, EXAMPLE_KEY) ? reg.publicPem : s.replaceAll('registry.example.com', reg.host),
          ) as JsonObject,
      );
    });

    afterAll(async () => {
      await reg?.stop();
      if (work !== undefined) await rm(work, { recursive: true, force: true });
    });

    it('passes every case, signature and attestation cases included', async () => {
      const run = await runKyvernoTests(work, { imageFacts: reg.facts });
      expect(run.brokenSuites).toEqual([]);
      expect(
        run.cases.filter((c) => c.verdict !== 'pass').map((c) => `${c.id}: ${c.verdict} ${c.reason}`),
      ).toEqual([]);
      expect(run.summary).toEqual({ total: 64, pass: 64, fail: 0, unsupported: 0 });
    });
  });
});
