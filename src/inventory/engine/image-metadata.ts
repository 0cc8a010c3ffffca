/** The image facts an inventory carries: reference, digests, a config summary, the layers. */
import { formatPlatform, type ResolvedImage } from '../../image/index.ts';
import type { ImageMetadata, InventoryLayer } from '../types.ts';

function stringList(value: unknown): readonly string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function labels(value: unknown): Readonly<Record<string, string>> | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const entries = Object.entries(value).filter(([, v]) => typeof v === 'string') as [string, string][];
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** `created_by` per layer: history entries that made a layer are those without `empty_layer`. */
function createdBy(image: ResolvedImage): (string | undefined)[] {
  const history = Array.isArray(image.config.history) ? image.config.history : [];
  const steps = history.filter((step) => step?.empty_layer !== true);
  if (steps.length !== image.layers.length) return image.layers.map(() => undefined);
  return steps.map((step) => text(step?.created_by));
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** Metadata for an inventory; `diffIds` are the walked or cached diff-ids, by layer. */
export function imageMetadata(image: ResolvedImage, diffIds: readonly (string | undefined)[]): ImageMetadata {
  const config = image.config;
  const inner = typeof config.config === 'object' && config.config !== null ? config.config : undefined;
  const steps = createdBy(image);
  const layers: InventoryLayer[] = image.layers.map(({ descriptor, diffId }, index) => ({
    index,
    digest: descriptor.digest,
    ...optional('diffId', diffId ?? diffIds[index]),
    size: descriptor.size,
    mediaType: descriptor.mediaType,
    ...optional('createdBy', steps[index]),
  }));
  return {
    reference: image.source.name,
    digest: image.manifest.digest,
    ...optional('indexDigest', image.index?.digest),
    mediaType: image.manifest.mediaType,
    ...optional('platform', image.platform === undefined ? undefined : formatPlatform(image.platform)),
    config: {
      digest: image.manifest.manifest.config.digest,
      ...optional('created', text(config.created)),
      ...optional('os', text(config.os)),
      ...optional('architecture', text(config.architecture)),
      ...optional('variant', text(config.variant)),
      ...optional('user', text(inner?.User)),
      ...optional('entrypoint', stringList(inner?.Entrypoint)),
      ...optional('cmd', stringList(inner?.Cmd)),
      ...optional('workingDir', text(inner?.WorkingDir)),
      ...optional('labels', labels(inner?.Labels)),
    },
    layers,
  };
}
