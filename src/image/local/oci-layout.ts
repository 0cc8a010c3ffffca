import type { ImageSource } from '../types.ts';
import { DirectoryFiles } from './dir-files.ts';
import { DEFAULT_LOCAL_LIMITS, type LocalSourceOptions } from './limits.ts';
import { LayoutSource, readLayoutIndex } from './layout-source.ts';

/**
 * Opens an OCI image layout directory (`oci:DIR[:tag]`). Selects the index.json entry whose
 * `org.opencontainers.image.ref.name` is `tag`, or the only entry; several untagged entries
 * that all carry a platform are returned as an index for platform selection.
 */
export async function openOciLayout(dir: string, options: LocalSourceOptions = {}): Promise<ImageSource> {
  options.signal?.throwIfAborted();
  const files = await DirectoryFiles.open(dir);
  const layout = await readLayoutIndex(files, { ...DEFAULT_LOCAL_LIMITS, ...options.limits });
  const source = new LayoutSource('oci-layout', files, layout, options);
  source.selectDescriptor(); // fail early on an unknown tag
  return source;
}
