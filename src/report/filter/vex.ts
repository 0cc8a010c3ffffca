/**
 * VEX documents, normalised to statements: OpenVEX JSON (v0.0.1 and v0.2.0 shapes) and CycloneDX
 * VEX (a BOM whose vulnerabilities carry `analysis` and `affects`). Only `not_affected` and
 * `fixed` statements suppress findings; the others are kept so a later statement can override
 * an earlier one.
 */
import { BosunError } from '../../util/errors.ts';
import { FieldReader, checkSize, isRecord, type JsonRecord } from './fields.ts';

export type VexStatus = 'not_affected' | 'affected' | 'fixed' | 'under_investigation';

export interface VexProduct {
  /** A purl, an image reference or digest, or a bom-ref. */
  readonly id: string;
  /** Packages inside the product the statement is about; empty means the whole product. */
  readonly subcomponents: readonly string[];
}

export interface VexStatement {
  readonly vulnerability: string;
  readonly aliases: readonly string[];
  readonly products: readonly VexProduct[];
  readonly status: VexStatus;
  readonly justification?: string;
  readonly statement?: string;
  readonly timestamp?: string;
}

export interface VexDocument {
  readonly format: 'openvex' | 'cyclonedx';
  readonly source: string;
  readonly statements: readonly VexStatement[];
}

export interface VexOptions {
  readonly source?: string;
  readonly maxBytes?: number;
  readonly maxStatements?: number;
}

export const DEFAULT_VEX_MAX_BYTES = 32 * 1024 * 1024;
export const DEFAULT_VEX_MAX_STATEMENTS = 100_000;

const OPENVEX_STATUSES: readonly VexStatus[] = ['not_affected', 'affected', 'fixed', 'under_investigation'];
/** OpenVEX justification labels (spec "Status Justifications"). */
const OPENVEX_JUSTIFICATIONS = [
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
];

/** CycloneDX `analysis.state` → VEX status (CycloneDX 1.4+ impactAnalysisState). */
const CDX_STATES: Readonly<Record<string, VexStatus>> = {
  not_affected: 'not_affected',
  false_positive: 'not_affected',
  resolved: 'fixed',
  resolved_with_pedigree: 'fixed',
  exploitable: 'affected',
  in_triage: 'under_investigation',
};

function productId(f: FieldReader, value: unknown, where: string): string {
  if (typeof value === 'string') return f.string(value, where);
  const r = f.record(value, where);
  const identifiers = isRecord(r.identifiers) ? r.identifiers : {};
  const id = r['@id'] ?? identifiers.purl;
  return f.string(id, `${where}.@id`);
}

function parseOpenVex(doc: JsonRecord, f: FieldReader, max: number): VexStatement[] {
  const docTime = typeof doc.timestamp === 'string' ? doc.timestamp : undefined;
  return f.array(doc.statements, 'statements', max).map((raw, i): VexStatement => {
    const where = `statements[${i}]`;
    const s = f.record(raw, where);
    let vulnerability: string;
    let aliases: string[] = [];
    if (typeof s.vulnerability === 'string') {
      vulnerability = f.string(s.vulnerability, `${where}.vulnerability`);
    } else {
      const v = f.record(s.vulnerability, `${where}.vulnerability`);
      vulnerability = f.string(v.name ?? v['@id'], `${where}.vulnerability.name`);
      aliases = f.strings(v.aliases, `${where}.vulnerability.aliases`, max);
    }
    const status = s.status;
    if (typeof status !== 'string' || !OPENVEX_STATUSES.includes(status as VexStatus)) {
      f.fail(`${where}.status`, 'expected not_affected, affected, fixed or under_investigation');
    }
    const justification = f.optionalString(s.justification, `${where}.justification`);
    if (justification !== undefined && !OPENVEX_JUSTIFICATIONS.includes(justification)) {
      f.fail(`${where}.justification`, 'not an OpenVEX justification label');
    }
    const impact = f.optionalString(s.impact_statement, `${where}.impact_statement`);
    // OpenVEX: a not_affected statement MUST carry a justification or an impact statement.
    if (status === 'not_affected' && justification === undefined && impact === undefined) {
      f.fail(where, 'not_affected needs a justification or an impact_statement');
    }
    // v0.0.1 put subcomponents beside products; v0.2.0 nests them in each product.
    const shared = f
      .array(s.subcomponents ?? [], `${where}.subcomponents`, max)
      .map((c, j) => productId(f, c, `${where}.subcomponents[${j}]`));
    const products = f.array(s.products, `${where}.products`, max).map((p, j): VexProduct => {
      const pw = `${where}.products[${j}]`;
      const nested = isRecord(p) ? f.array(p.subcomponents ?? [], `${pw}.subcomponents`, max) : [];
      return {
        id: productId(f, p, pw),
        subcomponents: [...shared, ...nested.map((c, k) => productId(f, c, `${pw}.subcomponents[${k}]`))],
      };
    });
    if (products.length === 0) f.fail(`${where}.products`, 'no products');
    return {
      vulnerability,
      aliases,
      products,
      status: status as VexStatus,
      justification,
      statement: impact ?? f.optionalString(s.status_notes, `${where}.status_notes`),
      timestamp: typeof s.timestamp === 'string' ? s.timestamp : docTime,
    };
  });
}

/** bom-ref → purl for every component of a CycloneDX document (nested components included). */
function componentPurls(doc: JsonRecord, max: number): Map<string, string> {
  const refs = new Map<string, string>();
  const stack: unknown[] = [];
  if (isRecord(doc.metadata)) stack.push(doc.metadata.component);
  if (Array.isArray(doc.components)) stack.push(...doc.components);
  let visited = 0;
  while (stack.length > 0 && visited < max) {
    const c = stack.pop();
    visited += 1;
    if (!isRecord(c)) continue;
    if (typeof c['bom-ref'] === 'string' && typeof c.purl === 'string') refs.set(c['bom-ref'], c.purl);
    if (Array.isArray(c.components)) stack.push(...c.components.slice(0, max));
  }
  return refs;
}

/** A BOM-Link (`urn:cdx:<serial>/<version>#<bom-ref>`) names a component of another BOM by its bom-ref. */
function resolveRef(ref: string, purls: ReadonlyMap<string, string>): string {
  const local = purls.get(ref);
  if (local !== undefined) return local;
  const hash = ref.indexOf('#');
  if (ref.startsWith('urn:cdx:') && hash !== -1) {
    try {
      return decodeURIComponent(ref.slice(hash + 1));
    } catch {
      return ref.slice(hash + 1);
    }
  }
  return ref;
}

function parseCycloneDxVex(doc: JsonRecord, f: FieldReader, max: number): VexStatement[] {
  const purls = componentPurls(doc, max);
  const docTime =
    isRecord(doc.metadata) && typeof doc.metadata.timestamp === 'string' ? doc.metadata.timestamp : undefined;
  const statements: VexStatement[] = [];
  f.array(doc.vulnerabilities ?? [], 'vulnerabilities', max).forEach((raw, i) => {
    const where = `vulnerabilities[${i}]`;
    const v = f.record(raw, where);
    const id = f.string(v.id, `${where}.id`);
    if (v.analysis === undefined) return;
    const analysis = f.record(v.analysis, `${where}.analysis`);
    const state = f.string(analysis.state, `${where}.analysis.state`);
    const status = CDX_STATES[state] ?? f.fail(`${where}.analysis.state`, 'not a CycloneDX analysis state');
    const aliases = f
      .array(v.references ?? [], `${where}.references`, max)
      .map((r, j) => f.string(f.record(r, `${where}.references[${j}]`).id, `${where}.references[${j}].id`));
    const products = f.array(v.affects, `${where}.affects`, max).map((a, j): VexProduct => ({
      id: resolveRef(
        f.string(f.record(a, `${where}.affects[${j}]`).ref, `${where}.affects[${j}].ref`),
        purls,
      ),
      subcomponents: [],
    }));
    if (products.length === 0) f.fail(`${where}.affects`, 'no affected components');
    statements.push({
      vulnerability: id,
      aliases,
      products,
      status,
      justification: f.optionalString(analysis.justification, `${where}.analysis.justification`),
      statement: f.optionalString(analysis.detail, `${where}.analysis.detail`),
      timestamp:
        typeof analysis.lastUpdated === 'string'
          ? analysis.lastUpdated
          : typeof analysis.firstIssued === 'string'
            ? analysis.firstIssued
            : docTime,
    });
  });
  return statements;
}

/** Parses an OpenVEX or CycloneDX VEX document (untrusted JSON), or throws REPORT_VEX_INVALID / REPORT_LIMIT. */
export function parseVex(text: string, options: VexOptions = {}): VexDocument {
  const source = options.source ?? 'vex.json';
  checkSize(text, source, options.maxBytes ?? DEFAULT_VEX_MAX_BYTES);
  const max = options.maxStatements ?? DEFAULT_VEX_MAX_STATEMENTS;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BosunError('REPORT_VEX_INVALID', `${source}: not JSON`, {
      cause: error,
      details: { input: source },
    });
  }
  const f = new FieldReader('REPORT_VEX_INVALID', source);
  const doc = f.record(value, 'document');
  const context = doc['@context'];
  if (typeof context === 'string' && context.startsWith('https://openvex.dev/ns')) {
    return { format: 'openvex', source, statements: parseOpenVex(doc, f, max) };
  }
  if (doc.bomFormat === 'CycloneDX') {
    return { format: 'cyclonedx', source, statements: parseCycloneDxVex(doc, f, max) };
  }
  return f.fail('document', 'neither OpenVEX (@context https://openvex.dev/ns...) nor CycloneDX (bomFormat)');
}
