/**
 * Reads a CycloneDX (1.2–1.6) or SPDX 2.x JSON SBOM into what the matcher needs: packages from
 * purls and the operating system. Bounded: input size, JSON nesting (checked before parsing, so
 * hostile nesting never reaches the parser), component count and purl length. Components that
 * cannot be matched (no purl, an unknown type) are counted as issues, not errors.
 */
import type { InventoryIssue, OsInfo, Package, PackageLocation } from '../../inventory/index.ts';
import { BosunError, limitError } from '../../util/errors.ts';
import { osFromDistro, packageFromPurl } from './purl-package.ts';

export interface SbomLimits {
  readonly maxBytes: number;
  readonly maxNesting: number;
  readonly maxComponents: number;
  readonly maxPurlLength: number;
}

export const DEFAULT_SBOM_LIMITS: SbomLimits = Object.freeze({
  maxBytes: 256 * 1024 * 1024,
  maxNesting: 128,
  maxComponents: 500_000,
  maxPurlLength: 4096,
});

export interface ParsedSbom {
  readonly format: 'cyclonedx' | 'spdx';
  /** The described subject (CycloneDX `metadata.component`, SPDX `name`). */
  readonly subject?: { readonly name: string; readonly version?: string };
  readonly os?: OsInfo;
  /** Sorted by purl, then path. */
  readonly packages: readonly Package[];
  readonly issues: readonly InventoryIssue[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function invalid(name: string, message: string, cause?: unknown): BosunError {
  return new BosunError('SCAN_SBOM_INVALID', `${name}: ${message}`, {
    ...(cause === undefined ? {} : { cause }),
    details: { input: name },
  });
}

/** Deepest `[`/`{` nesting outside strings, stopping once over `max`. */
export function jsonNesting(text: string, max: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > max) return deepest;
      }
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: Json | undefined): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function array(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : [];
}

/** Parses an SBOM; `name` labels errors and is the package location when the SBOM records none. */
export function parseSbom(bytes: Uint8Array, name: string, limits: Partial<SbomLimits> = {}): ParsedSbom {
  const l = { ...DEFAULT_SBOM_LIMITS, ...limits };
  if (bytes.length > l.maxBytes) throw limitError('SCAN_SBOM_LIMIT', name, 'bytes', bytes.length, l.maxBytes);
  let source: string;
  try {
    source = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (cause) {
    throw invalid(name, 'not UTF-8 text', cause);
  }
  const nesting = jsonNesting(source, l.maxNesting);
  if (nesting > l.maxNesting)
    throw limitError('SCAN_SBOM_LIMIT', name, 'JSON nesting', nesting, l.maxNesting);
  let root: Json;
  try {
    root = JSON.parse(source.replace(/^\uFEFF/, '')) as Json;
  } catch (cause) {
    throw invalid(name, 'not JSON', cause);
  }
  if (!isObject(root)) throw invalid(name, 'not a JSON object');
  if (root['bomFormat'] === 'CycloneDX') return parseCycloneDx(root, name, l);
  if (typeof root['spdxVersion'] === 'string' && root['spdxVersion'].startsWith('SPDX-')) {
    return parseSpdx(root, name, l);
  }
  throw invalid(name, 'neither a CycloneDX (bomFormat) nor an SPDX (spdxVersion) JSON document');
}

class Collector {
  readonly packages: Package[] = [];
  readonly issues: InventoryIssue[] = [];
  os: OsInfo | undefined;
  private count = 0;
  private readonly name: string;
  private readonly limits: SbomLimits;

  constructor(name: string, limits: SbomLimits) {
    this.name = name;
    this.limits = limits;
  }

  tick(): void {
    if (++this.count > this.limits.maxComponents)
      throw limitError('SCAN_SBOM_LIMIT', this.name, 'components', this.count, this.limits.maxComponents);
  }

  issue(component: string, code: string, message: string): void {
    if (this.issues.length < 1000) this.issues.push({ analyzer: 'sbom', path: component, code, message });
  }

  add(
    label: string,
    purl: string | undefined,
    facts: { sourceName?: string; sourceVersion?: string; licenses: string[]; paths: string[] },
  ): void {
    if (purl === undefined) {
      this.issue(label, 'SBOM_NO_PURL', 'component without a purl is not matched');
      return;
    }
    if (purl.length > this.limits.maxPurlLength) {
      this.issue(label, 'SBOM_PURL_TOO_LONG', `purl longer than ${this.limits.maxPurlLength} characters`);
      return;
    }
    const locations: PackageLocation[] = (facts.paths.length > 0 ? facts.paths : [this.name]).map((path) => ({
      path: path.replace(/^\/+/, ''),
    }));
    const result = packageFromPurl(purl, {
      ...(facts.sourceName === undefined ? {} : { sourceName: facts.sourceName }),
      ...(facts.sourceVersion === undefined ? {} : { sourceVersion: facts.sourceVersion }),
      licenses: facts.licenses,
      locations,
    });
    if (result.kind === 'skipped') this.issue(label, 'SBOM_PURL_SKIPPED', result.reason);
    else this.packages.push(result.package);
  }

  finish(format: ParsedSbom['format'], subject: ParsedSbom['subject']): ParsedSbom {
    let os = this.os;
    if (os === undefined) {
      for (const p of this.packages) {
        if (p.ecosystem !== 'deb' && p.ecosystem !== 'apk' && p.ecosystem !== 'rpm') continue;
        const found = osFromDistro(p.purl);
        if (found !== undefined) {
          os = { family: found.family, version: found.version, id: found.family };
          break;
        }
      }
    }
    const packages = [...this.packages].sort((a, b) =>
      a.purl < b.purl
        ? -1
        : a.purl > b.purl
          ? 1
          : (a.locations[0]?.path ?? '') < (b.locations[0]?.path ?? '')
            ? -1
            : 0,
    );
    return {
      format,
      ...(subject === undefined ? {} : { subject }),
      ...(os === undefined ? {} : { os }),
      packages,
      issues: this.issues,
    };
  }
}

function propertyMap(component: JsonObject): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const p of array(component['properties'])) {
    if (!isObject(p)) continue;
    const key = text(p['name']);
    const value = text(p['value']);
    if (key === undefined || value === undefined) continue;
    out.set(key, [...(out.get(key) ?? []), value]);
  }
  return out;
}

function cdxLicenses(component: JsonObject): string[] {
  const out: string[] = [];
  for (const entry of array(component['licenses'])) {
    if (!isObject(entry)) continue;
    const expression = text(entry['expression']);
    if (expression !== undefined) out.push(expression);
    const license = entry['license'];
    if (isObject(license)) {
      const id = text(license['id']) ?? text(license['name']);
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}

function parseCycloneDx(root: JsonObject, name: string, limits: SbomLimits): ParsedSbom {
  const collector = new Collector(name, limits);
  const walk = (components: Json | undefined): void => {
    for (const c of array(components)) {
      if (!isObject(c)) continue;
      collector.tick();
      const label = text(c['name']) ?? text(c['bom-ref']) ?? '(unnamed component)';
      if (c['type'] === 'operating-system') {
        const family = text(c['name']);
        if (family !== undefined && collector.os === undefined) {
          const version = text(c['version']);
          collector.os = {
            family: family.toLowerCase(),
            id: family.toLowerCase(),
            ...(version === undefined ? {} : { version }),
          };
        }
      } else if (c['type'] !== 'machine-learning-model') {
        const props = propertyMap(c);
        const first = (...keys: string[]): string | undefined => {
          for (const k of keys) {
            const v = props.get(k)?.[0];
            if (v !== undefined) return v;
          }
          return undefined;
        };
        const evidence = c['evidence'];
        const paths = [
          ...(isObject(evidence)
            ? array(evidence['occurrences']).flatMap((o) =>
                isObject(o) && text(o['location']) !== undefined ? [text(o['location']) as string] : [],
              )
            : []),
        ];
        if (paths.length === 0) paths.push(...(props.get('bosun:package:location') ?? []));
        const sourceName = first('bosun:package:sourceName', 'aquasecurity:trivy:SrcName');
        const sourceVersion = first('bosun:package:sourceVersion', 'aquasecurity:trivy:SrcVersion');
        collector.add(label, text(c['purl']), {
          ...(sourceName === undefined ? {} : { sourceName }),
          ...(sourceVersion === undefined ? {} : { sourceVersion }),
          licenses: cdxLicenses(c),
          paths: [...new Set(paths)],
        });
      }
      walk(c['components']);
    }
  };
  walk(root['components']);
  const metadata = root['metadata'];
  const component = isObject(metadata) ? metadata['component'] : undefined;
  const subjectName = isObject(component) ? text(component['name']) : undefined;
  const subjectVersion = isObject(component) ? text(component['version']) : undefined;
  return collector.finish(
    'cyclonedx',
    subjectName === undefined
      ? undefined
      : { name: subjectName, ...(subjectVersion === undefined ? {} : { version: subjectVersion }) },
  );
}

function parseSpdx(root: JsonObject, name: string, limits: SbomLimits): ParsedSbom {
  const collector = new Collector(name, limits);
  for (const p of array(root['packages'])) {
    if (!isObject(p)) continue;
    collector.tick();
    const label = text(p['name']) ?? text(p['SPDXID']) ?? '(unnamed package)';
    const purpose = text(p['primaryPackagePurpose']);
    if (purpose === 'OPERATING_SYSTEM' || purpose === 'OPERATING-SYSTEM') {
      const family = text(p['name']);
      if (family !== undefined && collector.os === undefined) {
        const version = text(p['versionInfo']);
        collector.os = {
          family: family.toLowerCase(),
          id: family.toLowerCase(),
          ...(version === undefined ? {} : { version }),
        };
      }
      continue;
    }
    const purls = array(p['externalRefs']).flatMap((ref) =>
      isObject(ref) && ref['referenceType'] === 'purl' && text(ref['referenceLocator']) !== undefined
        ? [text(ref['referenceLocator']) as string]
        : [],
    );
    if (purls.length === 0) {
      // The described image/directory itself has no purl of a matchable type: not an issue.
      if (purpose !== 'CONTAINER' && purpose !== 'APPLICATION' && purpose !== 'FILE')
        collector.issue(label, 'SBOM_NO_PURL', 'package without a purl is not matched');
      continue;
    }
    const sourceInfo = text(p['sourceInfo']);
    const sourceName = sourceInfo?.match(/^built package from:\s*(\S+)/)?.[1];
    const license = text(p['licenseConcluded']) ?? text(p['licenseDeclared']);
    for (const purl of purls.slice(0, 1)) {
      collector.add(label, purl, {
        ...(sourceName === undefined ? {} : { sourceName }),
        licenses: license === undefined || license === 'NOASSERTION' || license === 'NONE' ? [] : [license],
        paths: [],
      });
    }
  }
  const docName = text(root['name']);
  return collector.finish('spdx', docName === undefined ? undefined : { name: docName });
}
