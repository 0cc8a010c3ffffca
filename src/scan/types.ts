/** What a scan takes and returns: inventory, vulnerability findings, model results, timings. */
import type { DatabaseSync } from 'node:sqlite';
import type { Inventory, InventoryProgress } from '../inventory/index.ts';
import type { ModelScanOptions, ModelScanResult } from '../models/index.ts';
import type { DbStatus, Finding, UpdateProgress } from '../vulndb/index.ts';

/** The scanners a scan runs: vulnerability matching and model-file safety checks. */
export type ScannerKind = 'vuln' | 'model';

/** Where the vulnerability DB lives and when it may be refreshed. */
export interface VulnDbOptions {
  /** The DB file (the CLI passes `<cache>/db/bosun.db`). */
  readonly path: string;
  /** `--db-source`: OSV-style base URL, a directory of OSV JSON, or a zip of it. */
  readonly source?: string;
  /** Never touch the network: a missing DB is an error, an old one is used with a warning. */
  readonly offline?: boolean;
  /** Use the DB as it is (a missing DB is still an error). */
  readonly skipUpdate?: boolean;
  /** Age after which a DB is refreshed before scanning (default 24 h). */
  readonly maxAgeMs?: number;
  /** Ecosystems fetched when the DB is first downloaded from a URL. */
  readonly ecosystems?: readonly string[];
  /** HTTP fetch used by updates (tests inject one). */
  readonly fetch?: (url: string, init?: RequestInit) => Promise<Response>;
  /** An already open DB: used as is (no freshness check), not closed by the scan. */
  readonly handle?: DatabaseSync;
}

/** What a scan tells its caller while it works; the CLI draws progress from these. */
export type ScanProgress =
  | { readonly kind: 'phase'; readonly phase: ScanPhase }
  | { readonly kind: 'db-update'; readonly event: UpdateProgress }
  | { readonly kind: 'inventory'; readonly event: InventoryProgress }
  | { readonly kind: 'model'; readonly index: number; readonly total: number; readonly path: string };

export type ScanPhase = 'db' | 'open' | 'inventory' | 'match' | 'models' | 'done';

export interface ScanOptions {
  /** Default `['vuln']`. */
  readonly scanners?: readonly ScannerKind[];
  /** Required when the `vuln` scanner runs. */
  readonly db?: VulnDbOptions;
  /** Match OS-owned language packages against upstream advisories too. */
  readonly includeOsOwned?: boolean;
  /** Options for the model scanner (allow-list, limits). */
  readonly models?: ModelScanOptions;
  /** A temp directory root for model files read out of layers (default: the OS temp dir). */
  readonly tempDir?: string;
  /** The clock (tests pass a fixed one): DB age, scan start/finish times. */
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ScanProgress) => void;
}

/** A problem that did not stop the scan (a package that could not be matched, a model file that could not be read). */
export interface ScanIssue {
  readonly source: string;
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

/** Milliseconds spent in each step. */
export interface ScanTimings {
  readonly dbMs: number;
  readonly inventoryMs: number;
  readonly matchMs: number;
  readonly modelsMs: number;
  readonly totalMs: number;
}

/** The DB a scan matched against. */
export interface ScanDbInfo {
  readonly path: string;
  readonly builtAt: string;
  readonly records: number;
  /** Refreshed by this scan. */
  readonly updated: boolean;
  readonly sources: readonly string[];
}

/**
 * The outcome of a scan, before filters: the inventory, every finding, the model results. It is
 * the raw material of report/'s `ScanReport` (filters, ignore files and VEX are report's job).
 */
export interface ScanResult {
  readonly inventory: Inventory;
  readonly findings: readonly Finding[];
  /** Present when the `model` scanner ran. */
  readonly models?: readonly ModelScanResult[];
  readonly issues: readonly ScanIssue[];
  /** Things the user should know (an old DB used offline). */
  readonly warnings: readonly string[];
  readonly db?: ScanDbInfo;
  readonly scanners: readonly ScannerKind[];
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly timings: ScanTimings;
}

export type { DbStatus };
