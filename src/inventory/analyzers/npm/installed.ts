import type { Package, PackageLocation } from '../../types.ts';
import { parseError } from '../lang-common/limits.ts';
import { isRecord, parseJson, stringOf } from '../lang-common/text.ts';
import { npmLicenses, npmPackage } from './npm-package.ts';

/**
 * An installed `node_modules/<name>/package.json`. Files without a name or version (nested
 * `{"type":"module"}` markers) hold no package.
 */
export function parseInstalledPackageJson(text: string, location: PackageLocation): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'package.json is not a JSON object');
  const name = stringOf(doc.name);
  const version = stringOf(doc.version);
  if (name === undefined || version === undefined) return [];
  const pkg = npmPackage(name, version, location, { licenses: npmLicenses(doc.license, doc.licenses) });
  return pkg === undefined ? [] : [pkg];
}
