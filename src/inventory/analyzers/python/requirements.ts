/**
 * `requirements.txt`: only exact pins (`name==version`, extras and markers allowed) say which
 * version gets installed; ranges, URLs, editable installs and options are skipped.
 * (https://pip.pypa.io/en/stable/reference/requirements-file-format/)
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { linesOf } from '../lang-common/text.ts';
import { pypiPackage } from './pypi-package.ts';

const PIN =
  /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\])?\s*==\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

export function parseRequirements(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  // Join backslash continuations, then drop comments (`#` at line start or after whitespace).
  const logical = text.replace(/\\\r?\n/g, ' ');
  const out: Package[] = [];
  for (const raw of linesOf(logical)) {
    const line = raw
      .replace(/(^|\s)#.*$/, '')
      .replace(/\s--?[a-z][\w-]*(=\S*)?/gi, '')
      .trim();
    if (line.length === 0 || line.startsWith('-')) continue;
    const match = PIN.exec(line);
    if (match?.[1] === undefined || match[2] === undefined) continue;
    checkLimit(location.path, 'requirements', out.length + 1, limits.maxPackages);
    const pkg = pypiPackage(match[1], match[2], location);
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}
