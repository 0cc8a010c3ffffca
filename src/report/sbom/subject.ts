/**
 * The scanned artifact as an SBOM subject: its name, version (the manifest digest) and, for
 * images with a digest, an OCI purl (purl spec `oci` type: name is the last path segment of the
 * repository, version the digest, `repository_url` the repository without tag).
 */
import { PackageURL } from 'packageurl-js';
import type { ReportArtifact } from '../types.ts';

export interface SbomSubject {
  readonly name: string;
  readonly version?: string;
  readonly purl?: string;
  /** Hex of a `sha256:` digest, for hashes/checksums. */
  readonly sha256?: string;
}

/** Splits `host/path/name:tag@sha256:...` into repository and tag without guessing defaults. */
export function splitReference(reference: string): { repository: string; tag?: string } {
  const at = reference.indexOf('@');
  const withoutDigest = at === -1 ? reference : reference.slice(0, at);
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  if (colon > slash)
    return { repository: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1) };
  return { repository: withoutDigest };
}

export function sbomSubject(artifact: ReportArtifact | undefined): SbomSubject {
  if (artifact === undefined) return { name: 'unknown' };
  const sha256 = artifact.digest?.startsWith('sha256:') ? artifact.digest.slice('sha256:'.length) : undefined;
  if (artifact.type !== 'container-image' || artifact.digest === undefined) {
    return { name: artifact.name, version: artifact.digest, sha256 };
  }
  const { repository, tag } = splitReference(artifact.name);
  const name = (repository.split('/').pop() ?? repository).toLowerCase();
  const qualifiers: Record<string, string> = {};
  if (artifact.platform !== undefined) qualifiers.arch = artifact.platform.architecture;
  if (repository.includes('/')) qualifiers.repository_url = repository.toLowerCase();
  if (tag !== undefined) qualifiers.tag = tag;
  let purl: string | undefined;
  try {
    purl = new PackageURL('oci', undefined, name, artifact.digest, qualifiers, undefined).toString();
  } catch {
    // A name packageurl-js rejects: the subject is still named, only without a purl.
    purl = undefined;
  }
  return { name: artifact.name, version: artifact.digest, purl, sha256 };
}
