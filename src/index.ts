/**
 * Bosun's public library API: a short, curated list. Every change here shows in the API snapshot test.
 */
export { BosunError, isBosunError, exitCodeFor } from './util/errors.ts';
export type { ErrorCode, ErrorCategory, ErrorDetails } from './util/errors.ts';
export type {
  Descriptor,
  FetchedManifest,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ImageSource,
  Platform,
  ResolvedImage,
} from './image/types.ts';
