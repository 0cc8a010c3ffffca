/**
 * The report subject derived from what the inventory engine recorded, so callers that only have
 * an `Inventory` need not build a ReportArtifact by hand. An OS whose family is `unknown` is
 * treated as no OS (no OS target, no operating-system component).
 */
import type { InventoryTarget, OsInfo } from '../inventory/index.ts';
import type { ReportArtifact, ReportInventory } from './types.ts';

export function artifactFromTarget(target: InventoryTarget): ReportArtifact {
  switch (target.kind) {
    case 'image': {
      const { image } = target;
      const { os, architecture, variant } = image.config;
      return {
        name: image.reference,
        type: 'container-image',
        digest: image.digest,
        configDigest: image.config.digest,
        platform:
          os !== undefined && architecture !== undefined
            ? { os, architecture, ...(variant === undefined ? {} : { variant }) }
            : undefined,
        layers: image.layers.map((l) => ({
          digest: l.digest,
          diffId: l.diffId,
          size: l.size,
          mediaType: l.mediaType,
        })),
        created: image.config.created,
      };
    }
    case 'directory':
      return { name: target.path, type: 'filesystem' };
  }
}

/** The OS if one was recognised. */
export function knownOs(os: OsInfo | undefined): OsInfo | undefined {
  return os === undefined || os.family === 'unknown' ? undefined : os;
}

/** The given artifact, else the one the inventory's target describes. */
export function resolveArtifact(
  inventory: ReportInventory,
  artifact: ReportArtifact | undefined,
): ReportArtifact | undefined {
  return artifact ?? (inventory.target === undefined ? undefined : artifactFromTarget(inventory.target));
}
