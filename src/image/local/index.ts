export { openOciLayout } from './oci-layout.ts';
export { openOciArchive } from './oci-archive.ts';
export { openDockerArchive } from './docker-archive.ts';
export { openLocalImage, parseLocalSpec, type LocalImageSpec, type OpenLocalOptions } from './open-local.ts';
export { walkRootfs, type RootfsIssue, type RootfsWalkResult, type WalkRootfsOptions } from './rootfs-dir.ts';
export { DEFAULT_LOCAL_LIMITS, type LocalSourceLimits, type LocalSourceOptions } from './limits.ts';
export { parseManifestBytes, parseDescriptor, parseIndex, parseImageManifest } from './parse-manifest.ts';
