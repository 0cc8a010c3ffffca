/**
 * `go.mod` (https://go.dev/ref/mod#go-mod-file): `require` and `replace` directives, single-line
 * or in blocks; `// indirect` marks modules needed only by dependencies.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { DEFAULT_LANG_LIMITS, checkLimit, parseError, type LangLimits } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { linesOf } from '../lang-common/text.ts';
import { goPackage } from './go-package.ts';

interface Require {
  readonly path: string;
  readonly version: string;
  readonly indirect: boolean;
}

interface Replace {
  readonly from: string;
  readonly fromVersion?: string;
  readonly to: string;
  readonly toVersion?: string;
}

/** Split a directive line into tokens; Go allows "quoted" and `raw` strings for paths. */
function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g;
  for (let m = re.exec(line); m !== null; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3] ?? '');
  return out;
}

export function parseGoMod(
  text: string,
  location: PackageLocation,
  limits: LangLimits = DEFAULT_LANG_LIMITS,
): Package[] {
  const requires: Require[] = [];
  const replaces: Replace[] = [];
  let block: string | undefined;
  const handle = (verb: string, rest: string[], indirect: boolean): void => {
    if (verb === 'require' && rest.length >= 2) {
      checkLimit(location.path, 'requirements', requires.length + 1, limits.maxPackages);
      requires.push({ path: rest[0] as string, version: rest[1] as string, indirect });
    } else if (verb === 'replace') {
      const arrow = rest.indexOf('=>');
      if (arrow < 1 || arrow > 2 || rest.length < arrow + 2)
        throw parseError(location.path, 'malformed replace directive');
      replaces.push({
        from: rest[0] as string,
        ...(arrow === 2 ? { fromVersion: rest[1] as string } : {}),
        to: rest[arrow + 1] as string,
        ...(rest[arrow + 2] === undefined ? {} : { toVersion: rest[arrow + 2] as string }),
      });
    }
  };
  for (const raw of linesOf(text)) {
    const comment = raw.indexOf('//');
    const indirect = comment >= 0 && /^\/\/\s*indirect\b/.test(raw.slice(comment));
    const line = (comment >= 0 ? raw.slice(0, comment) : raw).trim();
    if (line.length === 0) continue;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else handle(block, tokens(line), indirect);
      continue;
    }
    const [verb = '', ...rest] = tokens(line);
    if (rest.length === 1 && rest[0] === '(') block = verb;
    else handle(verb, rest, indirect);
  }
  if (block !== undefined) throw parseError(location.path, `unterminated ${block} block`);

  const out: (Package | undefined)[] = [];
  for (const req of requires) {
    const rep = replaces.find(
      (r) => r.from === req.path && (r.fromVersion === undefined || r.fromVersion === req.version),
    );
    const properties: Record<string, string> = req.indirect ? { indirect: 'true' } : {};
    if (rep?.toVersion !== undefined) {
      out.push(
        goPackage(rep.to, rep.toVersion, location, { ...properties, replaces: `${req.path}@${req.version}` }),
      );
    } else if (rep !== undefined) {
      out.push(goPackage(req.path, req.version, location, { ...properties, replacedBy: rep.to }));
    } else {
      out.push(goPackage(req.path, req.version, location, properties));
    }
  }
  return dedupePackages(out.filter((p) => p !== undefined));
}
