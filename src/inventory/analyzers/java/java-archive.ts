/**
 * Maven packages in a jar/war/ear: every `META-INF/maven/<group>/<artifact>/pom.properties`; when
 * there is none, the manifest's Implementation-/Bundle- headers and the file name. Archives nested
 * inside (Spring Boot `BOOT-INF/lib/`, war `WEB-INF/lib/`, ear modules) are read in memory, to a
 * bounded depth, size and total of inflated bytes.
 */
import { isBosunError } from '../../../util/errors.ts';
import type { Package, PackageLocation } from '../../types.ts';
import { checkLimit } from '../lang-common/limits.ts';
import { dedupePackages, makePackage } from '../lang-common/make-package.ts';
import { baseName } from '../lang-common/file-analyzer.ts';
import { decodeText } from '../lang-common/text.ts';
import { parseManifest, parseProperties } from './manifest.ts';
import {
  DEFAULT_ZIP_LIMITS,
  isZip,
  listZipEntries,
  readZipEntry,
  type ZipEntry,
  type ZipLimits,
} from './zip.ts';

export interface JavaLimits extends ZipLimits {
  /** Archives inside archives: 1 = the file itself only. */
  readonly maxDepth: number;
  /** Largest nested archive read into memory. */
  readonly maxNestedBytes: number;
  /** Total inflated bytes across one file and everything nested in it. */
  readonly maxTotalBytes: number;
  readonly maxPackages: number;
}

export const DEFAULT_JAVA_LIMITS: JavaLimits = Object.freeze({
  ...DEFAULT_ZIP_LIMITS,
  maxDepth: 3,
  maxNestedBytes: 64 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxPackages: 20_000,
});

/** A nested archive that could not be read: reported, the rest of the file still counts. */
export interface JavaProblem {
  readonly archivePath: string;
  readonly code: string;
  readonly message: string;
}

export interface JavaArchiveResult {
  readonly packages: Package[];
  readonly problems: JavaProblem[];
}

const POM_PROPERTIES = /^META-INF\/maven\/([^/]+)\/([^/]+)\/pom\.properties$/;
const NESTED = /\.(jar|war|ear)$/i;

export function mavenPackage(
  group: string | undefined,
  artifact: string,
  version: string,
  location: PackageLocation,
  properties: Record<string, string>,
): Package | undefined {
  if (group === undefined || group.length === 0) {
    // Without a groupId there is no valid maven purl and no advisory can match it.
    return undefined;
  }
  return makePackage({
    ecosystem: 'maven',
    name: `${group}:${artifact}`,
    version,
    namespace: group,
    purlNamespace: group,
    purlName: artifact,
    location,
    properties,
  });
}

/** `commons-lang3-3.12.0.jar` → artifact `commons-lang3`, version `3.12.0` (version starts at the first `-<digit>`). */
export function splitJarFileName(fileName: string): { artifact: string; version: string } | undefined {
  const stem = fileName.replace(NESTED, '');
  if (stem.length > 256) return undefined;
  const match = /^(.+?)-(\d[\w.+-]*)$/.exec(stem);
  return match?.[1] !== undefined && match[2] !== undefined
    ? { artifact: match[1], version: match[2] }
    : undefined;
}

export function parseJavaArchive(
  bytes: Uint8Array,
  location: PackageLocation,
  limits: JavaLimits = DEFAULT_JAVA_LIMITS,
): JavaArchiveResult {
  const packages: Package[] = [];
  const problems: JavaProblem[] = [];
  let inflated = 0;
  const read = (archive: Uint8Array, entry: ZipEntry, archivePath: string): Uint8Array => {
    inflated += entry.size;
    checkLimit(location.path, 'inflated bytes', inflated, limits.maxTotalBytes);
    return readZipEntry(archive, entry, archivePath, limits);
  };

  const visit = (archive: Uint8Array, archivePath: string, depth: number): void => {
    const entries = listZipEntries(archive, archivePath, limits);
    const props = { archivePath };
    const found: Package[] = [];
    for (const entry of entries) {
      const match = POM_PROPERTIES.exec(entry.name);
      if (match === null) continue;
      const p = parseProperties(decodeText(read(archive, entry, archivePath)));
      const group = p.get('groupId') ?? match[1];
      const artifact = p.get('artifactId') ?? (match[2] as string);
      const version = p.get('version');
      if (version === undefined) continue;
      const pkg = mavenPackage(group, artifact, version, location, { ...props, evidence: 'pom.properties' });
      if (pkg !== undefined) found.push(pkg);
    }
    if (found.length === 0) {
      const manifestEntry = entries.find((e) => e.name.toUpperCase() === 'META-INF/MANIFEST.MF');
      const pkg = fromManifest(
        manifestEntry === undefined
          ? new Map()
          : parseManifest(decodeText(read(archive, manifestEntry, archivePath))),
        baseName(archivePath.split('!/').at(-1) ?? archivePath),
        location,
        props,
      );
      if (pkg !== undefined) found.push(pkg);
    }
    packages.push(...found);
    checkLimit(location.path, 'packages', packages.length, limits.maxPackages);

    if (depth >= limits.maxDepth) return;
    for (const entry of entries) {
      if (!NESTED.test(entry.name) || entry.name.endsWith('/')) continue;
      const nestedPath = `${archivePath}!/${entry.name}`;
      try {
        checkLimit(nestedPath, 'nested archive bytes', entry.size, limits.maxNestedBytes);
        const nested = read(archive, entry, archivePath);
        if (isZip(nested)) visit(nested, nestedPath, depth + 1);
      } catch (error) {
        // One unreadable nested jar is reported; a blown total budget still stops the whole file.
        if (
          !isBosunError(error) ||
          error.details.limit === 'inflated bytes' ||
          error.details.limit === 'packages'
        )
          throw error;
        problems.push({ archivePath: nestedPath, code: error.code, message: error.message });
      }
    }
  };

  visit(bytes, location.path, 1);
  return { packages: dedupePackages(packages), problems };
}

/** Manifest headers plus the file name, when no pom.properties names the artifact. */
function fromManifest(
  headers: Map<string, string>,
  fileName: string,
  location: PackageLocation,
  props: Record<string, string>,
): Package | undefined {
  const fromName = splitJarFileName(fileName);
  const moduleName =
    headers.get('Bundle-SymbolicName')?.split(';')[0]?.trim() ?? headers.get('Automatic-Module-Name');
  // Titles are often prose or module names ("com.google.inject.assistedinject"); the file name
  // (`artifact-version.jar`, or just `artifact.jar`) is the better artifactId.
  const artifact = fromName?.artifact ?? fileName.replace(NESTED, '');
  const version = headers.get('Implementation-Version') ?? headers.get('Bundle-Version') ?? fromName?.version;
  let group = headers.get('Implementation-Vendor-Id');
  if (group === undefined && moduleName !== undefined) {
    // `org.apache.commons.lang3` for `commons-lang3`: the module name minus the segment naming the artifact.
    const last = moduleName.lastIndexOf('.');
    const tail = moduleName.slice(last + 1).replace(/[-_]/g, '');
    if (last > 0 && artifact.replace(/[-_]/g, '').endsWith(tail)) group = moduleName.slice(0, last);
  }
  if (artifact.length === 0 || version === undefined) return undefined;
  return mavenPackage(group, artifact, version, location, { ...props, evidence: 'manifest' });
}
