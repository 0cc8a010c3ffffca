/**
 * Local image specs, with skopeo's transport names: `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`,
 * `docker-archive:FILE[:repo:tag|@N]`; a bare path is detected (a directory with `oci-layout` is
 * an OCI layout; a tar with `manifest.json` is a docker-archive, else with `oci-layout` an
 * oci-archive). As in skopeo, the path ends at the first `:`.
 */
import { stat } from 'node:fs/promises';
import { BosunError } from '../../util/errors.ts';
import type { ImageSource } from '../types.ts';
import { openDockerArchive } from './docker-archive.ts';
import { DEFAULT_LOCAL_LIMITS, type LocalSourceLimits } from './limits.ts';
import { openOciArchive } from './oci-archive.ts';
import { openOciLayout } from './oci-layout.ts';
import { TarArchiveFiles } from './tar-files.ts';

export type LocalImageSpec =
  | {
      readonly kind: 'oci-layout' | 'oci-archive' | 'docker-archive';
      readonly path: string;
      readonly tag?: string;
    }
  | { readonly kind: 'auto'; readonly path: string };

const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive'] as const;

/** Parses a local spec; undefined when it names no local transport (e.g. a registry reference). */
export function parseLocalSpec(spec: string): LocalImageSpec | undefined {
  for (const transport of TRANSPORTS) {
    if (!spec.startsWith(`${transport}:`)) continue;
    const rest = spec.slice(transport.length + 1);
    const colon = rest.indexOf(':');
    const path = colon < 0 ? rest : rest.slice(0, colon);
    const tag = colon < 0 ? undefined : rest.slice(colon + 1);
    if (path === '') return undefined;
    const kind = transport === 'oci' ? 'oci-layout' : transport;
    return tag === undefined || tag === '' ? { kind, path } : { kind, path, tag };
  }
  return undefined;
}

export interface OpenLocalOptions {
  readonly limits?: Partial<LocalSourceLimits>;
  readonly signal?: AbortSignal;
}

/** Opens a local image from a spec string (see the module comment). */
export async function openLocalImage(spec: string, options: OpenLocalOptions = {}): Promise<ImageSource> {
  const parsed = parseLocalSpec(spec) ?? { kind: 'auto' as const, path: spec };
  const base = { ...options };
  switch (parsed.kind) {
    case 'oci-layout':
      return openOciLayout(parsed.path, {
        ...base,
        ...(parsed.tag === undefined ? {} : { tag: parsed.tag }),
      });
    case 'oci-archive':
      return openOciArchive(parsed.path, {
        ...base,
        ...(parsed.tag === undefined ? {} : { tag: parsed.tag }),
      });
    case 'docker-archive':
      return openDockerArchive(parsed.path, {
        ...base,
        ...(parsed.tag === undefined ? {} : { tag: parsed.tag }),
      });
    case 'auto':
      return openDetected(parsed.path, options);
  }
}

async function openDetected(path: string, options: OpenLocalOptions): Promise<ImageSource> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new BosunError('IMAGE_NOT_FOUND', `${path}: no such file or directory`, {
      cause: error,
      details: { input: path },
    });
  }
  if (info.isDirectory()) {
    const marker = await stat(`${path}/oci-layout`).catch(() => undefined);
    if (marker?.isFile() === true) return openOciLayout(path, options);
    throw new BosunError(
      'IMAGE_SOURCE_UNSUPPORTED',
      `${path}: a directory without oci-layout (scan it as a root filesystem instead)`,
      {
        details: { input: path },
      },
    );
  }
  const limits = { ...DEFAULT_LOCAL_LIMITS, ...options.limits };
  const files = await TarArchiveFiles.open(path, { maxEntries: limits.maxArchiveEntries }).catch(
    (error: unknown) => {
      if (error instanceof BosunError && error.code === 'IMAGE_ARCHIVE_INVALID') {
        throw new BosunError(
          'IMAGE_SOURCE_UNSUPPORTED',
          `${path}: not an OCI layout, oci-archive or docker-archive`,
          {
            cause: error,
            details: { input: path },
          },
        );
      }
      throw error;
    },
  );
  if ((await files.size('manifest.json')) !== undefined) return openDockerArchive(path, options, files);
  if ((await files.size('oci-layout')) !== undefined) return openOciArchive(path, options, files);
  await files.close();
  throw new BosunError('IMAGE_SOURCE_UNSUPPORTED', `${path}: a tar without manifest.json or oci-layout`, {
    details: { input: path },
  });
}
