/** `Pipfile.lock` (JSON): `default` and `develop` maps of name → `{version: "==x"}`. */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { entriesOf, isRecord, parseJson, recordOf, stringOf } from '../lang-common/text.ts';
import { pypiPackage } from './pypi-package.ts';

export function parsePipfileLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc)) throw parseError(location.path, 'Pipfile.lock is not a JSON object');
  const out: Package[] = [];
  for (const [section, dev] of [
    ['default', false],
    ['develop', true],
  ] as const) {
    const entries = entriesOf(doc[section]);
    checkLimit(location.path, 'package entries', out.length + entries.length, limits.maxPackages);
    for (const [name, value] of entries) {
      // VCS and editable entries have no `version`.
      const version = stringOf(recordOf(value).version);
      if (version === undefined || !version.startsWith('==')) continue;
      const pkg = pypiPackage(name, version.slice(2), location, { dev });
      if (pkg !== undefined) out.push(pkg);
    }
  }
  return dedupePackages(out);
}
