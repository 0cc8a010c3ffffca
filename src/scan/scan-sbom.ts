import { readFile, stat } from 'node:fs/promises';
import type { Inventory } from '../inventory/index.ts';
import { BosunError, limitError } from '../util/errors.ts';
import { runScan } from './run-scan.ts';
import { DEFAULT_SBOM_LIMITS, parseSbom, type ParsedSbom, type SbomLimits } from './sbom/parse-sbom.ts';
import type { ScanOptions, ScanResult } from './types.ts';

export interface ScanSbomOptions extends ScanOptions {
  readonly limits?: Partial<SbomLimits>;
}

export interface SbomScanResult extends ScanResult {
  readonly sbom: Pick<ParsedSbom, 'format' | 'subject'>;
}

/** An SBOM's packages as an inventory (a directory-kind target named by the SBOM file). */
export function sbomInventory(parsed: ParsedSbom, name: string): Inventory {
  return {
    target: { kind: 'directory', path: name },
    os: parsed.os ?? { family: 'unknown' },
    packages: parsed.packages,
    modelFiles: [],
    issues: parsed.issues,
  };
}

/**
 * Matches the packages of a CycloneDX or SPDX JSON SBOM file. Errors: SCAN_SBOM_INVALID,
 * SCAN_SBOM_LIMIT, IMAGE_NOT_FOUND (no such file), VULNDB_MISSING/VULNDB_STALE.
 */
export async function scanSbom(path: string, options: ScanSbomOptions): Promise<SbomScanResult> {
  const limits = { ...DEFAULT_SBOM_LIMITS, ...options.limits };
  let parsed: ParsedSbom | undefined;
  const result = await runScan(
    { ...options, scanners: (options.scanners ?? ['vuln']).filter((s) => s === 'vuln') },
    {
      inventory: async () => {
        let size: number;
        try {
          size = (await stat(path)).size;
        } catch (cause) {
          throw new BosunError('IMAGE_NOT_FOUND', `${path}: no such SBOM file`, {
            cause,
            details: { input: path },
          });
        }
        if (size > limits.maxBytes) throw limitError('SCAN_SBOM_LIMIT', path, 'bytes', size, limits.maxBytes);
        parsed = parseSbom(await readFile(path), path, limits);
        return sbomInventory(parsed, path);
      },
    },
  );
  const sbom = parsed as ParsedSbom;
  return {
    ...result,
    sbom: { format: sbom.format, ...(sbom.subject === undefined ? {} : { subject: sbom.subject }) },
  };
}
