/**
 * Attestation predicates the demo and the end-to-end test attach to images: cosign's vulnerability
 * record (`--type vuln`) with Bosun's JSON report as `scanner.result`, and Bosun's model-scan
 * record (docs/policies.md, refuse-unsafe-models) with one verdict per model file.
 */
import type { ModelScanResult } from '../../models/index.ts';
import { toJsonReport, type ScanReport } from '../../report/index.ts';
import type { ScanResult } from '../../scan/index.ts';

export const MODEL_SCAN_PREDICATE_TYPE = 'https://bosun.dev/attestation/model-scan/v1';
/** The scanner identifier written into predicates (an identifier, never fetched). */
export const BOSUN_SCANNER_URI = 'https://bosun.dev';

/** cosign's vuln predicate (COSIGN_VULN_ATTESTATION_SPEC) around Bosun's JSON report. */
export function vulnPredicate(
  result: ScanResult,
  report: ScanReport,
  toolVersion: string,
): Record<string, unknown> {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: `pkg:npm/bosun@${toolVersion}`,
      version: toolVersion,
      db: { uri: result.db?.sources[0] ?? '', version: result.db?.builtAt ?? '' },
      result: toJsonReport(report, { timestamp: new Date(result.finishedAt), toolVersion }),
    },
    metadata: { scanStartedOn: result.startedAt, scanFinishedOn: result.finishedAt },
  };
}

/** Bosun's model-scan predicate: `pass` only when every model file passed (no model file: `pass`). */
export function modelScanPredicate(
  models: readonly ModelScanResult[],
  finishedAt: string,
  toolVersion: string,
): Record<string, unknown> {
  return {
    verdict: models.some((m) => m.verdict === 'fail') ? 'fail' : 'pass',
    scanner: { uri: BOSUN_SCANNER_URI, version: toolVersion },
    files: models.map((m) => ({
      file: m.file,
      verdict: m.verdict,
      findings: m.findings.map((f) => ({
        severity: f.severity,
        kind: f.kind,
        ...(f.callable === undefined ? {} : { callable: f.callable }),
        message: f.message,
      })),
    })),
    metadata: { scanFinishedOn: finishedAt },
  };
}
