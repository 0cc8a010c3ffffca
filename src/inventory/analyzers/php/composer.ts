/**
 * Composer: `composer.lock` (`packages` and `packages-dev`) and the installed list
 * `vendor/composer/installed.json` — Composer 1 writes a JSON array, Composer 2 an object with
 * `packages`, `dev` and `dev-package-names` (https://getcomposer.org/doc/07-runtime.md).
 */
import type { Analyzer } from '../../analyzer.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { baseName, fileAnalyzer } from '../lang-common/file-analyzer.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages, makePackage } from '../lang-common/make-package.ts';
import {
  decodeText,
  entriesOf,
  isRecord,
  parseJson,
  recordOf,
  stringOf,
  type JsonRecord,
} from '../lang-common/text.ts';

function composerPurl(
  name: string,
  version: string,
  location: PackageLocation,
  extra: { licenses?: string[]; dev?: boolean; dependsOn?: string[] },
) {
  const slash = name.indexOf('/');
  if (slash <= 0 || slash === name.length - 1) return undefined;
  return makePackage({
    ecosystem: 'composer',
    name,
    version,
    namespace: name.slice(0, slash),
    purlNamespace: name.slice(0, slash),
    purlName: name.slice(slash + 1),
    location,
    ...extra,
  });
}

function toPackages(
  entries: readonly { raw: JsonRecord; dev: boolean }[],
  location: PackageLocation,
  limits: LangLimits,
): Package[] {
  checkLimit(location.path, 'package entries', entries.length, limits.maxPackages);
  const purlByName = new Map<string, string>();
  for (const { raw } of entries) {
    const name = stringOf(raw.name);
    const version = stringOf(raw.version);
    const purl = name && version ? composerPurl(name, version, { path: '' }, {})?.purl : undefined;
    if (name !== undefined && purl !== undefined) purlByName.set(name.toLowerCase(), purl);
  }
  const out: Package[] = [];
  for (const { raw, dev } of entries) {
    const name = stringOf(raw.name);
    const version = stringOf(raw.version);
    if (name === undefined || version === undefined) continue;
    const licenses = Array.isArray(raw.license) ? raw.license.filter((l) => typeof l === 'string') : [];
    // Platform requirements (php, ext-*, lib-*) are not packages and never resolve.
    const dependsOn = entriesOf(raw.require).flatMap(([dep]) => {
      const purl = purlByName.get(dep.toLowerCase());
      return purl === undefined ? [] : [purl];
    });
    const pkg = composerPurl(name, version, location, { licenses, dev, dependsOn });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}

export function parseComposerLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'composer.lock is not a JSON object');
  const list = (value: unknown, dev: boolean) =>
    (Array.isArray(value) ? value : []).map((raw) => ({ raw: recordOf(raw), dev }));
  return toPackages([...list(doc.packages, false), ...list(doc['packages-dev'], true)], location, limits);
}

export function parseComposerInstalled(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (Array.isArray(doc))
    return toPackages(
      doc.map((raw) => ({ raw: recordOf(raw), dev: false })),
      location,
      limits,
    );
  if (!isRecord(doc)) throw parseError(location.path, 'installed.json is neither an array nor an object');
  const devNames = new Set(
    (Array.isArray(doc['dev-package-names']) ? doc['dev-package-names'] : []).filter(
      (n) => typeof n === 'string',
    ),
  );
  const list = Array.isArray(doc.packages) ? doc.packages : [];
  return toPackages(
    list.map((raw) => ({ raw: recordOf(raw), dev: devNames.has(stringOf(recordOf(raw).name) ?? '') })),
    location,
    limits,
  );
}

export const composerLockAnalyzer: Analyzer = fileAnalyzer({
  id: 'composer-lock',
  version: 1,
  kind: 'lockfile',
  wants: (path) => baseName(path) === 'composer.lock' && !/(^|\/)vendor\//.test(path),
  parse: (bytes, location, limits) => parseComposerLock(decodeText(bytes), location, limits),
});

export const composerInstalledAnalyzer: Analyzer = fileAnalyzer({
  id: 'composer-installed',
  version: 1,
  kind: 'installed',
  wants: (path) => /(^|\/)vendor\/composer\/installed\.json$/.test(path),
  parse: (bytes, location, limits) => parseComposerInstalled(decodeText(bytes), location, limits),
});
