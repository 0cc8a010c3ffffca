import { describe, expect, it } from 'vitest';
import { FIXED_TIME, LAYER_1, express, qs, sampleReport } from '../../../test/builders/scan-report.ts';
import { spdxValidator } from '../../../test/support/schemas.ts';
import { toSpdx, type SpdxOptions } from './spdx.ts';
import type { SpdxDocument } from './spdx-types.ts';

const report = sampleReport();
const options: SpdxOptions = {
  artifact: report.artifact,
  timestamp: FIXED_TIME,
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  toolVersion: '0.1.0',
};
const validate = spdxValidator();

/** What the JSON schema cannot say: every reference resolves, every SPDXID is unique. */
function integrityProblems(doc: SpdxDocument): string[] {
  const problems: string[] = [];
  const ids = new Set<string>(['SPDXRef-DOCUMENT']);
  for (const p of doc.packages) {
    if (ids.has(p.SPDXID)) problems.push(`duplicate ${p.SPDXID}`);
    ids.add(p.SPDXID);
  }
  for (const r of doc.relationships) {
    for (const id of [r.spdxElementId, r.relatedSpdxElement])
      if (!ids.has(id)) problems.push(`dangling ${id}`);
  }
  const refs = new Set((doc.hasExtractedLicensingInfos ?? []).map((l) => l.licenseId));
  for (const p of doc.packages) {
    for (const ref of p.licenseDeclared.match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? []) {
      if (!refs.has(ref)) problems.push(`undefined ${ref}`);
    }
  }
  if (
    !doc.relationships.some(
      (r) => r.spdxElementId === 'SPDXRef-DOCUMENT' && r.relationshipType === 'DESCRIBES',
    )
  ) {
    problems.push('nothing described');
  }
  return problems;
}

describe('toSpdx', () => {
  it('is valid against the SPDX 2.3 schema and internally consistent', () => {
    const doc = toSpdx(report.inventory, options);
    expect(validate(doc), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(integrityProblems(doc)).toEqual([]);
    const bare = toSpdx({ packages: [] }, { timestamp: FIXED_TIME });
    expect(validate(bare), JSON.stringify(validate.errors)).toBe(true);
    expect(integrityProblems(bare)).toEqual([]);
  });

  it('rejects what the schema rejects (the validator is not vacuous)', () => {
    const doc = toSpdx(report.inventory, options);
    expect(validate({ ...doc, spdxVersion: 'SPDX-2.2' })).toBe(false);
    expect(validate({ ...doc, packages: [{ ...doc.packages[0], SPDXID: 'SPDXRef-bad_id' }] })).toBe(false);
    expect(validate({ ...doc, creationInfo: { created: '2024-05-01', creators: ['Tool: x'] } })).toBe(false);
  });

  it('writes deterministic ids, purls, licenses and relationships', () => {
    const doc = toSpdx(report.inventory, options);
    expect(doc.documentNamespace).toEqual('urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79');
    expect(doc.creationInfo).toEqual({ created: '2024-05-01T12:00:00Z', creators: ['Tool: bosun-0.1.0'] });
    const [subject] = doc.packages;
    expect(subject).toMatchObject({
      SPDXID: 'SPDXRef-Artifact',
      name: 'registry.example/shop/api:1.4',
      primaryPackagePurpose: 'CONTAINER',
      checksums: [{ algorithm: 'SHA256', checksumValue: 'd'.repeat(64) }],
    });
    const zlib = doc.packages.find((p) => p.name === 'zlib1g');
    expect(zlib?.SPDXID).toMatch(/^SPDXRef-Package-deb-zlib1g-[0-9a-f]{12}$/);
    expect(zlib?.licenseDeclared).toMatch(
      /^\(GPL-2.0-or-later WITH Autoconf-exception-generic\) AND Zlib AND LicenseRef-public-domain-[0-9a-f]{8}$/,
    );
    expect(zlib?.externalRefs).toEqual([
      {
        referenceCategory: 'PACKAGE-MANAGER',
        referenceType: 'purl',
        referenceLocator: 'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12',
      },
    ]);
    expect(zlib?.annotations?.map((a) => a.comment)).toEqual([
      'bosun:layer:diffID: sha256:' + 'a'.repeat(64),
      `bosun:layer:digest: ${LAYER_1}`,
      'bosun:package:arch: amd64',
      'bosun:package:location: var/lib/dpkg/status',
      'bosun:package:sourceName: zlib',
    ]);
    const id = (name: string) => doc.packages.find((p) => p.name === name)?.SPDXID;
    const rel = (from: string | undefined, type: string) =>
      doc.relationships
        .filter((r) => r.spdxElementId === from && r.relationshipType === type)
        .map(
          (r) => doc.packages.find((p) => p.SPDXID === r.relatedSpdxElement)?.name ?? r.relatedSpdxElement,
        );
    expect(rel('SPDXRef-DOCUMENT', 'DESCRIBES')).toEqual(['registry.example/shop/api:1.4']);
    expect(rel('SPDXRef-OperatingSystem', 'CONTAINS').sort()).toEqual(['curl', 'openssl', 'zlib1g']);
    expect(rel('SPDXRef-Artifact', 'CONTAINS').sort()).toEqual([
      'debian',
      'express',
      'models/classifier.pkl',
      'qs',
      'requests',
    ]);
    expect(rel(id('express'), 'DEPENDS_ON')).toEqual(['qs']);
  });

  it('is deterministic: input order does not change the output', () => {
    const shuffled = { ...report.inventory, packages: [...report.inventory.packages].reverse() };
    expect(JSON.stringify(toSpdx(shuffled, options))).toEqual(
      JSON.stringify(toSpdx(report.inventory, options)),
    );
  });

  it('keeps ids unique for packages whose names sanitise alike', () => {
    const a = { ...qs, name: 'a_b', purl: 'pkg:npm/a_b@1.0.0' };
    const b = { ...qs, name: 'a.b', purl: 'pkg:npm/a.b@1.0.0' };
    const c = { ...express, name: 'a b', purl: 'pkg:npm/a%20b@1.0.0', dependsOn: [] };
    const doc = toSpdx({ packages: [a, b, c] }, options);
    expect(new Set(doc.packages.map((p) => p.SPDXID)).size).toEqual(4);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
  });
});
