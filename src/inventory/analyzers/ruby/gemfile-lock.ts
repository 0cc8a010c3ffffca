/**
 * `Gemfile.lock` (Bundler): sections at column 0; in `GEM` and `GIT` sections, `specs:` lists
 * `name (version[-platform])` at 4 spaces with dependencies at 6. `PATH` specs are local code.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { linesOf } from '../lang-common/text.ts';
import { gemPackage } from './gemspec.ts';

const MAX_LINE = 1024;
const SPEC = /^ {4}([^\s(]+) \(([^)\s]+)\)$/;
const DEP = /^ {6}([^\s(]+)/;
const PLATFORM =
  /-((?:x86|x64|i[3-6]86|arm|aarch64|universal|java|jruby|mswin|mingw|darwin|linux|freebsd|solaris|wasm)[\w.-]*)$/;

export function parseGemfileLock(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const specs: { name: string; version: string; platform?: string; deps: string[] }[] = [];
  let section = '';
  for (const line of linesOf(text)) {
    if (/^\S/.test(line)) {
      section = line.trim();
      continue;
    }
    // Real spec lines are short; a huge one is not worth a regex pass.
    if ((section !== 'GEM' && section !== 'GIT') || line.length > MAX_LINE) continue;
    const spec = SPEC.exec(line);
    if (spec?.[1] !== undefined && spec[2] !== undefined) {
      checkLimit(location.path, 'gem specs', specs.length + 1, limits.maxPackages);
      const platform = PLATFORM.exec(spec[2]);
      specs.push({
        name: spec[1],
        version: platform === null ? spec[2] : spec[2].slice(0, platform.index),
        ...(platform?.[1] === undefined ? {} : { platform: platform[1] }),
        deps: [],
      });
      continue;
    }
    const dep = DEP.exec(line);
    if (dep?.[1] !== undefined) specs.at(-1)?.deps.push(dep[1]);
  }
  const purlByName = new Map<string, string>();
  for (const s of specs) {
    const purl = gemPackage(s.name, s.version, { path: '' })?.purl;
    if (purl !== undefined && !purlByName.has(s.name)) purlByName.set(s.name, purl);
  }
  const out: Package[] = [];
  for (const s of specs) {
    const dependsOn = s.deps.flatMap((d) => {
      const purl = purlByName.get(d);
      return purl === undefined ? [] : [purl];
    });
    const pkg = gemPackage(s.name, s.version, location, {
      dependsOn,
      ...(s.platform === undefined ? {} : { properties: { gemPlatform: s.platform } }),
    });
    if (pkg !== undefined) out.push(pkg);
  }
  return dedupePackages(out);
}
