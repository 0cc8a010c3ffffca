/**
 * Installed gem specifications (`specifications/*.gemspec`), the Ruby source RubyGems generates
 * with `Gem::Specification.new do |s| s.name = "x".freeze ...`. The text is read with patterns,
 * never evaluated. The `# stub: name version platform` line is a fallback for name and version.
 */
import type { Package, PackageLocation } from '../../types.ts';
import { makePackage } from '../lang-common/make-package.ts';

// A Ruby string literal as RubyGems writes them: "x", 'x' or %q{x}.
const STRING = String.raw`(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|%q\{([^}]*)\})`;
// `[ \t]*`, not `\s*`, after `^`: a run of blank lines must not be rescanned from every line start.
const NAME = new RegExp(String.raw`^[ \t]*\w+\.name[ \t]*=[ \t]*${STRING}`, 'm');
const VERSION = new RegExp(
  String.raw`^[ \t]*\w+\.version[ \t]*=[ \t]*(?:Gem::Version\.new\([ \t]*)?${STRING}`,
  'm',
);
const LICENSES = /^[ \t]*\w+\.licenses?[ \t]*=[ \t]*(.*)$/m;
const STUB = /^# stub: (\S+) (\S+)/m;

const literal = (m: RegExpExecArray | null): string | undefined => m?.[1] ?? m?.[2] ?? m?.[3];

export function gemPackage(
  name: string,
  version: string,
  location: PackageLocation,
  extra: {
    licenses?: readonly string[];
    dependsOn?: readonly string[];
    properties?: Record<string, string>;
  } = {},
): Package | undefined {
  return makePackage({ ecosystem: 'gem', name, version, location, ...extra });
}

export function parseGemspec(text: string, location: PackageLocation): Package[] {
  const stub = STUB.exec(text);
  const name = literal(NAME.exec(text)) ?? stub?.[1];
  const version = literal(VERSION.exec(text)) ?? stub?.[2];
  if (name === undefined || version === undefined) return [];
  const licenseLine = LICENSES.exec(text)?.[1] ?? '';
  const licenses = [...licenseLine.matchAll(new RegExp(STRING, 'g'))].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
  const pkg = gemPackage(name, version, location, { licenses });
  return pkg === undefined ? [] : [pkg];
}
