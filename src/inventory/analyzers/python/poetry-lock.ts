/**
 * `poetry.lock` (TOML): `[[package]]` with name, version, `category` (Poetry < 1.5: "dev"/"main")
 * or `groups` (Poetry 2), `source.type` for local/VCS sources, and `[package.dependencies]`.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages, normalizePypiName } from '../lang-common/make-package.ts';
import { entriesOf, recordOf, stringOf } from '../lang-common/text.ts';
import { parseTomlText } from '../lang-common/toml.ts';
import { pypiPackage, pypiPurl } from './pypi-package.ts';

export function parsePoetryLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseTomlText(text, location.path);
  const list = Array.isArray(doc.package) ? (doc.package as unknown[]) : [];
  checkLimit(location.path, 'package entries', list.length, limits.maxPackages);
  const entries = list.map(recordOf).filter((p) => {
    const type = stringOf(recordOf(p.source).type);
    return type !== 'directory' && type !== 'file';
  });
  const purlByName = new Map<string, string>();
  for (const p of entries) {
    const name = stringOf(p.name);
    const version = stringOf(p.version);
    const purl = name && version ? pypiPurl(name, version) : undefined;
    if (name !== undefined && purl !== undefined) purlByName.set(normalizePypiName(name), purl);
  }
  const out: Package[] = [];
  for (const p of entries) {
    const name = stringOf(p.name);
    const version = stringOf(p.version);
    if (name === undefined || version === undefined) continue;
    const groups = Array.isArray(p.groups) ? p.groups.filter((g) => typeof g === 'string') : undefined;
    const dev =
      p.category === 'dev' || (groups !== undefined && groups.length > 0 && !groups.includes('main'));
    const dependsOn = entriesOf(p.dependencies).flatMap(([dep]) => {
      const purl = purlByName.get(normalizePypiName(dep));
      return purl === undefined ? [] : [purl];
    });
    const pkg = pypiPackage(name, version, location, { dev, dependsOn });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}
