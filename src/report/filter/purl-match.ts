/**
 * Whether a purl from an ignore file or a VEX statement covers a package purl: type, namespace
 * and name must be equal; version, qualifiers and subpath only constrain when the scope has them
 * (so `pkg:npm/lodash` covers every lodash, `pkg:deb/debian/openssl?arch=amd64` only amd64).
 */
import { PackageURL } from 'packageurl-js';

export function parsePurl(text: string): PackageURL | undefined {
  if (!text.startsWith('pkg:') || text.length > 4096) return undefined;
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

export function purlCovers(scope: string, purl: string): boolean {
  if (scope === purl) return true;
  const s = parsePurl(scope);
  const p = parsePurl(purl);
  if (s === undefined || p === undefined) return false;
  if (s.type !== p.type || (s.namespace ?? '') !== (p.namespace ?? '') || s.name !== p.name) return false;
  if (s.version !== undefined && s.version !== null && s.version !== p.version) return false;
  if (s.subpath !== undefined && s.subpath !== null && s.subpath !== p.subpath) return false;
  for (const [key, value] of Object.entries(s.qualifiers ?? {})) {
    if (p.qualifiers?.[key] !== value) return false;
  }
  return true;
}

/**
 * Whether a VEX product names the scanned artifact: an `oci` purl whose version is the image
 * digest, a reference ending in `@<digest>`, or the digest itself.
 */
export function productIsArtifact(
  product: string,
  artifact: { readonly digest?: string } | undefined,
): boolean {
  const digest = artifact?.digest;
  if (digest === undefined) return false;
  if (product === digest || product.endsWith(`@${digest}`)) return true;
  const p = parsePurl(product);
  return p?.type === 'oci' && p.version === digest;
}
