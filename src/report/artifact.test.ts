import { describe, expect, it } from 'vitest';
import type { Inventory } from '../inventory/index.ts';
import { FIXED_TIME, IMAGE_DIGEST, LAYER_1, DIFF_1, openssl } from '../../test/builders/scan-report.ts';
import { cycloneDxValidator, spdxValidator } from '../../test/support/schemas.ts';
import { artifactFromTarget, knownOs } from './artifact.ts';
import { toCycloneDx } from './sbom/cyclonedx.ts';
import { toSpdx } from './sbom/spdx.ts';
import { groupTargets } from './targets.ts';

const inventory: Inventory = {
  target: {
    kind: 'image',
    image: {
      reference: 'registry.example/base:12',
      digest: IMAGE_DIGEST,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        digest: `sha256:${'c'.repeat(64)}`,
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
        created: '2024-01-01T00:00:00Z',
      },
      layers: [
        {
          index: 0,
          digest: LAYER_1,
          diffId: DIFF_1,
          size: 10,
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        },
      ],
    },
  },
  os: { family: 'unknown' },
  packages: [openssl],
  modelFiles: [],
  issues: [],
};

describe('artifact from an Inventory', () => {
  it('describes an image target', () => {
    expect(artifactFromTarget(inventory.target)).toEqual({
      name: 'registry.example/base:12',
      type: 'container-image',
      digest: IMAGE_DIGEST,
      configDigest: `sha256:${'c'.repeat(64)}`,
      platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
      layers: [
        {
          digest: LAYER_1,
          diffId: DIFF_1,
          size: 10,
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
        },
      ],
      created: '2024-01-01T00:00:00Z',
    });
    expect(artifactFromTarget({ kind: 'directory', path: './rootfs' })).toEqual({
      name: './rootfs',
      type: 'filesystem',
    });
  });

  it('treats an unknown OS as none, and SBOMs take their subject from the inventory', () => {
    expect(knownOs(inventory.os)).toBeUndefined();
    const bom = toCycloneDx(inventory, { timestamp: FIXED_TIME });
    expect(bom.metadata.component?.version).toEqual(IMAGE_DIGEST);
    expect(bom.components.map((c) => c.type)).toEqual(['library']);
    expect(cycloneDxValidator()(bom)).toBe(true);
    const doc = toSpdx(inventory, { timestamp: FIXED_TIME });
    expect(doc.packages[0]?.name).toEqual('registry.example/base:12');
    expect(spdxValidator()(doc)).toBe(true);
    const targets = groupTargets({ artifact: artifactFromTarget(inventory.target), inventory, findings: [] });
    expect(targets.map((t) => t.target)).toEqual(['registry.example/base:12 (unknown)']);
  });
});
