/**
 * Dependency lists embedded by `cargo auditable`: the `.dep-v0` ELF section holds zlib-compressed
 * JSON `{"packages":[{name, version, source, kind?, dependencies?: [index], root?}]}`
 * (rust-secure-code/cargo-auditable, auditable-serde). Build-only and local crates are not in the
 * shipped code and are left out.
 */
import { inflateSync } from 'node:zlib';
import { BosunError } from '../../../util/errors.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { parseElf, sectionData } from '../lang-common/elf.ts';
import { checkLimit, parseError } from '../lang-common/limits.ts';
import { dedupePackages } from '../lang-common/make-package.ts';
import { decodeText, isRecord, parseJson, recordOf, stringOf } from '../lang-common/text.ts';
import { cargoPackage } from './cargo-lock.ts';

const MAX_JSON_BYTES = 8 * 1024 * 1024;
const MAX_PACKAGES = 50_000;

/** Packages in a Rust binary built with cargo auditable; `[]` for any other file. */
export function parseCargoAuditable(bytes: Uint8Array, location: PackageLocation): Package[] {
  const elf = parseElf(bytes, location.path);
  if (elf === undefined) return [];
  const section = sectionData(elf, bytes, '.dep-v0');
  if (section === undefined) return [];
  let json: Buffer;
  try {
    json = inflateSync(section, { maxOutputLength: MAX_JSON_BYTES });
  } catch (error) {
    throw new BosunError(
      'INVENTORY_PARSE',
      `${location.path}: .dep-v0 is not zlib data within ${MAX_JSON_BYTES} bytes`,
      {
        cause: error,
        details: { input: location.path, limit: 'dep-v0 bytes', max: MAX_JSON_BYTES },
      },
    );
  }
  return parseAuditableJson(decodeText(json), location);
}

export function parseAuditableJson(text: string, location: PackageLocation): Package[] {
  const doc = parseJson(text, location.path);
  if (!isRecord(doc) || !Array.isArray(doc.packages))
    throw parseError(location.path, '.dep-v0 has no packages list');
  const list = doc.packages.map(recordOf);
  checkLimit(location.path, 'packages', list.length, MAX_PACKAGES);
  const shipped = list.map((p) => {
    const source = stringOf(p.source) ?? '';
    return stringOf(p.kind) !== 'build' && source !== 'local';
  });
  const purls = list.map((p, i) => {
    const name = stringOf(p.name);
    const version = stringOf(p.version);
    return shipped[i] === true && name !== undefined && version !== undefined
      ? cargoPackage(name, version, { path: '' })?.purl
      : undefined;
  });
  const out: Package[] = [];
  list.forEach((p, i) => {
    if (purls[i] === undefined) return;
    const deps = Array.isArray(p.dependencies) ? p.dependencies : [];
    const dependsOn = deps.flatMap((d) =>
      typeof d === 'number' && purls[d] !== undefined ? [purls[d] as string] : [],
    );
    const source = stringOf(p.source);
    const pkg = cargoPackage(stringOf(p.name) as string, stringOf(p.version) as string, location, {
      dependsOn,
      ...(source === undefined || source === 'crates.io' ? {} : { properties: { cargoSource: source } }),
    });
    if (pkg !== undefined) out.push(pkg);
  });
  return dedupePackages(out);
}
