import type { ImageSource } from '../types.ts';
import { DEFAULT_LOCAL_LIMITS, type LocalSourceOptions } from './limits.ts';
import { LayoutSource, readLayoutIndex } from './layout-source.ts';
import { TarArchiveFiles } from './tar-files.ts';

/** Opens an OCI layout stored in a tar (`oci-archive:FILE[:tag]`), read in place by offset. */
export async function openOciArchive(
  file: string,
  options: LocalSourceOptions = {},
  files?: TarArchiveFiles,
): Promise<ImageSource> {
  options.signal?.throwIfAborted();
  const limits = { ...DEFAULT_LOCAL_LIMITS, ...options.limits };
  const archive = files ?? (await TarArchiveFiles.open(file, { maxEntries: limits.maxArchiveEntries }));
  try {
    const source = new LayoutSource('oci-archive', archive, await readLayoutIndex(archive, limits), options);
    source.selectDescriptor();
    return source;
  } catch (error) {
    await archive.close();
    throw error;
  }
}
