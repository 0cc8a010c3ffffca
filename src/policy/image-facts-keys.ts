// Cache keys of image facts questions: references in their normalised form, so `nginx`,
// `docker.io/library/nginx:latest` and a tag or a digest form of one image ask the same question.
import { formatReference, parseReference, repositoryName } from '../image/index.ts';

export interface ReferenceKey {
  readonly key: string;
  /** The digest the reference names, if it names one. */
  readonly digest?: string;
}

/** The normalised reference; the raw string when it does not parse (the inner facts raise the typed error). */
export function referenceKey(reference: string): ReferenceKey {
  try {
    const ref = parseReference(reference);
    return ref.digest === undefined
      ? { key: formatReference(ref) }
      : { key: formatReference(ref), digest: ref.digest };
  } catch {
    return { key: reference };
  }
}

/**
 * What a signature or attestation question is about: `registry/repository@digest` (the
 * reference's own digest first, as verification uses it), `pinned` when there is a digest.
 */
export function subjectKey(
  reference: string,
  digest: string,
): { readonly key: string; readonly pinned: boolean } {
  try {
    const ref = parseReference(reference);
    const d = ref.digest ?? digest;
    return d === ''
      ? { key: formatReference(ref), pinned: false }
      : { key: `${repositoryName(ref)}@${d}`, pinned: true };
  } catch {
    return { key: `${reference}\0${digest}`, pinned: false };
  }
}
