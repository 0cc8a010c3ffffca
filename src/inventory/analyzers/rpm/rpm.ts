/**
 * The rpm analyzer: Red Hat, CentOS, Rocky, AlmaLinux, Fedora, Amazon Linux, SUSE, Photon and
 * Oracle package databases in any of rpm's three backends, recognised by content (SQLite, NDB or
 * Berkeley DB), not by name. Each header becomes a package; a header that fails to parse is an
 * issue and the others still count.
 */
import { isBosunError } from '../../../util/errors.ts';
import { inputIssue, locationOf, readInput, type Analyzer, type AnalyzerResult } from '../../analyzer.ts';
import type { InventoryIssue, Package } from '../../types.ts';
import { isBerkeleyDb, readBdbValues } from './rpm-bdb.ts';
import { parseRpmHeader } from './rpm-header.ts';
import { isNdb, readNdbBlobs } from './rpm-ndb.ts';
import { rpmPackageFromHeader } from './rpm-package.ts';
import { readRpmSqliteBlobs } from './rpm-sqlite.ts';

/** A large RHEL image's BDB `Packages` is ~100 MiB. */
const MAX_DB = 512 * 1024 * 1024;
const MAX_PACKAGES = 100_000;
const MAX_FILES_PER_PACKAGE = 1_000_000;

const PATHS = new Set(
  ['var/lib/rpm', 'usr/lib/sysimage/rpm'].flatMap((dir) =>
    ['rpmdb.sqlite', 'Packages', 'Packages.db'].map((f) => `${dir}/${f}`),
  ),
);

export const rpmAnalyzer: Analyzer = {
  id: 'rpm',
  version: 1,
  wants(path) {
    return PATHS.has(path);
  },
  async analyze(input, ctx): Promise<AnalyzerResult> {
    const bytes = await readInput(input, MAX_DB, ctx.signal);
    const blobs = await readRpmBlobs(bytes, input.path, ctx.signal);
    const location = locationOf(input);
    const packages: Package[] = [];
    const ownedFiles: string[] = [];
    const issues: InventoryIssue[] = [];
    for (const blob of blobs) {
      try {
        const found = rpmPackageFromHeader(parseRpmHeader(blob, input.path), location, MAX_FILES_PER_PACKAGE);
        if (found === undefined) continue;
        packages.push(found.package);
        for (const file of found.files) ownedFiles.push(file);
      } catch (error) {
        if (!isBosunError(error)) throw error;
        issues.push(inputIssue(rpmAnalyzer.id, input, error.code, error.message));
      }
    }
    return { packages, ownedFiles, issues };
  },
};

/** Header blobs from an rpm database file of any backend. */
export async function readRpmBlobs(
  bytes: Uint8Array,
  input: string,
  signal?: AbortSignal,
): Promise<Uint8Array[]> {
  const options = {
    maxPackages: MAX_PACKAGES,
    maxValues: MAX_PACKAGES,
    ...(signal === undefined ? {} : { signal }),
  };
  if (isNdb(bytes)) return readNdbBlobs(bytes, input, options);
  if (isBerkeleyDb(bytes)) return readBdbValues(bytes, input, options);
  return readRpmSqliteBlobs(bytes, input, options);
}
