/**
 * What the report formats consume. The inventory shape is structural (the fields report/ reads),
 * so the scan orchestration can pass its own `Inventory` without a conversion step.
 */
import type { Finding, Severity } from '../vulndb/index.ts';
import type { InventoryIssue, InventoryTarget, ModelFile, OsInfo, Package } from '../inventory/index.ts';
import type { ModelScanResult } from '../models/index.ts';

/** One layer of the image, in manifest order. */
export interface ReportLayer {
  readonly digest: string;
  readonly diffId?: string;
  readonly size?: number;
  readonly mediaType?: string;
}

/** What was scanned: an image (by reference and digest), a directory, an archive. */
export interface ReportArtifact {
  /** The reference or path as the user gave it (`registry.example/app:1.2`, `./rootfs`). */
  readonly name: string;
  readonly type: 'container-image' | 'filesystem' | 'archive' | 'model';
  /** Manifest digest (`sha256:...`) of an image. */
  readonly digest?: string;
  readonly repoDigests?: readonly string[];
  readonly configDigest?: string;
  readonly platform?: { readonly os: string; readonly architecture: string; readonly variant?: string };
  readonly layers?: readonly ReportLayer[];
  /** Image creation time from the config, as written. */
  readonly created?: string;
}

/** The inventory fields report/ reads (an inventory/ `Inventory` fits): OS, packages, model files, issues. */
export interface ReportInventory {
  /** What was inventoried; SBOMs use it as their subject when no artifact is given. */
  readonly target?: InventoryTarget;
  /** An OS whose family is `unknown` counts as none. */
  readonly os?: OsInfo;
  readonly packages: readonly Package[];
  readonly modelFiles?: readonly ModelFile[];
  readonly issues?: readonly InventoryIssue[];
}

/** A problem that did not stop the scan (an unreadable file, an unsupported ecosystem). */
export interface ReportIssue {
  readonly source: string;
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

/** Why a finding was removed by an ignore file or a VEX statement: kept in JSON output. */
export type Suppression =
  | {
      readonly kind: 'ignore';
      /** Ignore file name. */
      readonly source: string;
      readonly statement?: string;
      readonly expiresAt?: string;
    }
  | {
      readonly kind: 'vex';
      /** VEX document name. */
      readonly source: string;
      readonly status: 'not_affected' | 'fixed';
      readonly justification?: string;
      readonly statement?: string;
    };

export interface SuppressedFinding {
  readonly finding: Finding;
  readonly suppression: Suppression;
}

/** The input of every vulnerability report format. */
export interface ScanReport {
  readonly artifact: ReportArtifact;
  readonly inventory: ReportInventory;
  /** Findings after filters (see filterFindings). */
  readonly findings: readonly Finding[];
  /** Findings removed by an ignore file or VEX, reported as such in JSON/CycloneDX output. */
  readonly suppressed?: readonly SuppressedFinding[];
  /** Model scan results, one per model file scanned. */
  readonly models?: readonly ModelScanResult[];
  readonly issues?: readonly ReportIssue[];
  /** Warnings from filters (expired ignore entries) and the scan. */
  readonly warnings?: readonly string[];
}

/** Options shared by every format: fixed values make output reproducible in tests. */
export interface ReportOptions {
  /** Report creation time; defaults to now. */
  readonly timestamp?: Date;
  /** Bosun's version, written as the tool version. */
  readonly toolVersion?: string;
}

export type { Finding, Severity };
