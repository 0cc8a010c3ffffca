import { describe, expect, it } from 'vitest';
import {
  DIFF_1,
  DIFF_2,
  FIXED_TIME,
  IMAGE_DIGEST,
  LAYER_1,
  LAYER_2,
  express,
  sampleReport,
} from '../../../test/builders/scan-report.ts';
import { cycloneDxValidator } from '../../../test/support/schemas.ts';
import { toCycloneDx, type SbomOptions } from './cyclonedx.ts';

const SERIAL = 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79';
const report = sampleReport();
const options: SbomOptions = {
  artifact: report.artifact,
  timestamp: FIXED_TIME,
  serialNumber: SERIAL,
  toolVersion: '0.1.0',
};
const validate = cycloneDxValidator();

describe('toCycloneDx', () => {
  it('is valid against the CycloneDX 1.6 JSON schema', () => {
    const bom = toCycloneDx(report.inventory, options);
    expect(validate(bom), JSON.stringify(validate.errors, null, 2)).toBe(true);
    expect(
      validate(toCycloneDx({ packages: [] }, { timestamp: FIXED_TIME })),
      JSON.stringify(validate.errors),
    ).toBe(true);
  });

  it('rejects what the schema rejects (the validator is not vacuous)', () => {
    const bom = toCycloneDx(report.inventory, options);
    expect(validate({ ...bom, bomFormat: 'SPDX' })).toBe(false);
    expect(validate({ ...bom, serialNumber: 'not-a-urn' })).toBe(false);
    expect(validate({ ...bom, components: [{ ...bom.components[0], type: 'gadget' }] })).toBe(false);
    expect(
      validate({
        ...bom,
        components: [{ ...bom.components[1], licenses: [{ license: { id: 'Not-A-License' } }] }],
      }),
    ).toBe(false);
  });

  it('describes the image, the OS, packages with layers, licenses and dependencies', () => {
    const bom = toCycloneDx(report.inventory, options);
    expect(bom.serialNumber).toEqual(SERIAL);
    expect(bom.metadata.timestamp).toEqual('2024-05-01T12:00:00.000Z');
    expect(bom.metadata.component).toEqual({
      type: 'container',
      'bom-ref': 'bosun:subject',
      name: 'registry.example/shop/api:1.4',
      version: IMAGE_DIGEST,
      hashes: [{ alg: 'SHA-256', content: 'd'.repeat(64) }],
      purl: `pkg:oci/api@sha256:${'d'.repeat(64)}?arch=amd64&repository_url=registry.example%2Fshop%2Fapi&tag=1.4`,
      properties: [
        { name: 'bosun:image:repoDigest', value: `registry.example/shop/api@${IMAGE_DIGEST}` },
        { name: 'bosun:image:platform', value: 'linux/amd64' },
        { name: 'bosun:layer:digest', value: LAYER_1 },
        { name: 'bosun:layer:diffID', value: DIFF_1 },
        { name: 'bosun:layer:digest', value: LAYER_2 },
        { name: 'bosun:layer:diffID', value: DIFF_2 },
      ],
    });
    const byRef = new Map(bom.components.map((c) => [c['bom-ref'], c]));
    expect(byRef.get('bosun:os:debian@12.5')).toEqual({
      type: 'operating-system',
      'bom-ref': 'bosun:os:debian@12.5',
      name: 'debian',
      version: '12.5',
      description: 'Debian GNU/Linux 12 (bookworm)',
      properties: [{ name: 'bosun:os:codename', value: 'bookworm' }],
    });
    const zlib = byRef.get('pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12');
    expect(zlib?.licenses).toEqual([
      { license: { name: 'GPL-2.0-or-later WITH Autoconf-exception-generic' } },
      { license: { id: 'Zlib' } },
      { license: { name: 'public-domain' } },
    ]);
    expect(zlib?.properties).toEqual([
      { name: 'bosun:layer:diffID', value: DIFF_1 },
      { name: 'bosun:layer:digest', value: LAYER_1 },
      { name: 'bosun:package:arch', value: 'amd64' },
      { name: 'bosun:package:location', value: 'var/lib/dpkg/status' },
      { name: 'bosun:package:sourceName', value: 'zlib' },
    ]);
    expect(zlib?.evidence).toEqual({
      occurrences: [{ location: 'var/lib/dpkg/status', additionalContext: `layer ${LAYER_1}` }],
    });
    expect(byRef.get('pkg:pypi/requests@2.25.0')?.licenses).toEqual([{ license: { name: 'Apache 2.0' } }]);
    expect(byRef.get('bosun:model:models/classifier.pkl')?.type).toEqual('machine-learning-model');
    expect(bom.dependencies).toEqual(
      [
        {
          ref: 'bosun:os:debian@12.5',
          dependsOn: [
            'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12',
            'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12',
            'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12',
          ],
        },
        {
          ref: 'bosun:subject',
          dependsOn: [
            'bosun:model:models/classifier.pkl',
            'bosun:os:debian@12.5',
            'pkg:npm/express@4.17.1',
            'pkg:pypi/requests@2.25.0',
          ],
        },
        { ref: 'bosun:model:models/classifier.pkl' },
        { ref: 'pkg:deb/debian/curl@7.88.1-10%2Bdeb12u5?arch=amd64&distro=debian-12' },
        { ref: 'pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=amd64&distro=debian-12' },
        { ref: 'pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12' },
        // The edge to a package that is not in the inventory is dropped.
        { ref: 'pkg:npm/express@4.17.1', dependsOn: ['pkg:npm/qs@6.7.0'] },
        { ref: 'pkg:npm/qs@6.7.0' },
        { ref: 'pkg:pypi/requests@2.25.0' },
      ].sort((a, b) => (a.ref < b.ref ? -1 : 1)),
    );
  });

  it('merges packages that share a purl and keeps every location', () => {
    const copy = { ...express, locations: [{ layerDigest: LAYER_1, path: 'srv/package-lock.json' }] };
    const bom = toCycloneDx({ packages: [express, copy] }, options);
    const [component] = bom.components;
    expect(bom.components).toHaveLength(1);
    expect(component?.evidence?.occurrences.map((o) => o.location)).toEqual([
      'app/package-lock.json',
      'srv/package-lock.json',
    ]);
  });

  it('is deterministic: input order does not change the output', () => {
    const shuffled = {
      ...report.inventory,
      packages: [...report.inventory.packages].reverse(),
    };
    expect(JSON.stringify(toCycloneDx(shuffled, options))).toEqual(
      JSON.stringify(toCycloneDx(report.inventory, options)),
    );
  });

  it('writes a single valid expression as an expression', () => {
    const bom = toCycloneDx({ packages: [{ ...express, licenses: ['mit OR apache-2.0'] }] }, options);
    expect(bom.components[0]?.licenses).toEqual([{ expression: 'MIT OR Apache-2.0' }]);
    expect(validate(bom), JSON.stringify(validate.errors)).toBe(true);
  });
});
