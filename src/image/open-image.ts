/**
 * One entry point from what a user types to an ImageSource: a local spec (`oci:`, `oci-archive:`,
 * `docker-archive:` or an existing path) opens a local image, anything else is parsed as a
 * registry reference.
 */
import { openLocalImage, parseLocalSpec, type OpenLocalOptions } from './local/index.ts';
import { parseReference } from './reference.ts';
import type { ImageReference } from './reference-types.ts';
import { registryImageSource, type RegistrySourceOptions } from './registry/index.ts';
import type { Platform, ImageSource } from './types.ts';

export interface OpenImageOptions {
  /** Registry access: credentials, CAs, insecure, timeouts (ignored for local images). */
  readonly registry?: RegistrySourceOptions;
  readonly local?: OpenLocalOptions;
}

export interface OpenedImage {
  readonly source: ImageSource;
  /** The parsed reference when the image comes from a registry. */
  readonly reference?: ImageReference;
}

export async function openImage(spec: string, options: OpenImageOptions = {}): Promise<OpenedImage> {
  if (parseLocalSpec(spec) !== undefined || looksLikePath(spec)) {
    return { source: await openLocalImage(spec, options.local ?? {}) };
  }
  const reference = parseReference(spec);
  return { source: registryImageSource(reference, options.registry ?? {}), reference };
}

/**
 * A bare argument is a path only when it looks like one (`/…`, `./…`, `../…`, `~/…` expanded by the
 * shell, or an archive name): a directory that happens to be called `alpine` must not shadow the
 * registry image, so nothing is probed on disk.
 */
function looksLikePath(spec: string): boolean {
  return (
    spec.startsWith('/') ||
    spec.startsWith('./') ||
    spec.startsWith('../') ||
    spec === '.' ||
    /\.tar$/i.test(spec)
  );
}

const NODE_ARCH_TO_OCI: Readonly<Record<string, Platform>> = {
  x64: { os: 'linux', architecture: 'amd64' },
  arm64: { os: 'linux', architecture: 'arm64', variant: 'v8' },
  arm: { os: 'linux', architecture: 'arm', variant: 'v7' },
  ia32: { os: 'linux', architecture: '386' },
  ppc64: { os: 'linux', architecture: 'ppc64le' },
  s390x: { os: 'linux', architecture: 's390x' },
  riscv64: { os: 'linux', architecture: 'riscv64' },
};

/** The OCI platform of a Node.js `process.arch` (images are Linux images wherever Bosun runs). */
export function hostPlatform(nodeArch: string): Platform {
  return NODE_ARCH_TO_OCI[nodeArch] ?? { os: 'linux', architecture: nodeArch };
}
