/**
 * Ignore files: `.bosunignore` / `.trivyignore` text and the `.trivyignore.yaml` form.
 *
 * Text: one rule per line, `ID [pkg:purl ...] [exp:YYYY-MM-DD] [# statement]`; `#` starts a
 * comment (a whole-line comment, or the rule's statement after the rule).
 * YAML: `vulnerabilities: [{id, purls?, paths?, expired_at?, statement?}]`; the other sections
 * Trivy knows (misconfigurations, secrets, licenses) are accepted and not used.
 * An expired rule is kept (so filters can warn about it) but never suppresses anything.
 */
import { parseDocument } from 'yaml';
import { BosunError } from '../../util/errors.ts';
import { FieldReader, checkSize } from './fields.ts';
import { parsePurl } from './purl-match.ts';

export interface IgnoreRule {
  /** Vulnerability id or alias (CVE, GHSA, DSA, ...). */
  readonly id: string;
  /** When present, the rule covers only packages these purls cover. */
  readonly purls: readonly string[];
  /** When present, only findings at these paths (no leading slash). */
  readonly paths: readonly string[];
  /** `YYYY-MM-DD`: the rule stops applying at 00:00 UTC that day. */
  readonly expiresAt?: string;
  readonly statement?: string;
  /** 1-based line in a text file; the entry index + 1 in YAML. */
  readonly line: number;
}

export interface IgnoreFile {
  readonly source: string;
  readonly rules: readonly IgnoreRule[];
}

export interface IgnoreFileOptions {
  /** File name for messages and suppression records. */
  readonly source?: string;
  /** `auto` picks YAML for `.yaml`/`.yml` names or a `vulnerabilities:` key, text otherwise. */
  readonly format?: 'auto' | 'text' | 'yaml';
  readonly maxBytes?: number;
  readonly maxRules?: number;
}

export const DEFAULT_IGNORE_MAX_BYTES = 1024 * 1024;
export const DEFAULT_IGNORE_MAX_RULES = 10_000;

const ID = /^[A-Za-z][A-Za-z0-9._:+-]{0,127}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date, returned as written. */
export function validDate(text: string): string | undefined {
  const m = DATE.exec(text);
  if (m === null) return undefined;
  const [, y, mo, d] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  return date.toISOString().slice(0, 10) === text ? text : undefined;
}

function fail(source: string, line: number, problem: string): never {
  throw new BosunError('REPORT_IGNORE_INVALID', `${source}:${line}: ${problem}`, {
    details: { input: source, line },
  });
}

function tooMany(source: string, max: number): never {
  throw new BosunError('REPORT_LIMIT', `${source}: more than ${max} ignore rules`, {
    details: { input: source, limit: 'rules', max },
  });
}

function parseText(text: string, source: string, maxRules: number): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const hash = raw.search(/(^|\s)#/);
    const body = (hash === -1 ? raw : raw.slice(0, hash)).trim();
    if (body === '') return;
    const comment = hash === -1 ? undefined : raw.slice(raw.indexOf('#', hash) + 1).trim() || undefined;
    const [id, ...rest] = body.split(/\s+/);
    if (id === undefined || !ID.test(id)) fail(source, line, 'not a vulnerability id');
    const purls: string[] = [];
    let expiresAt: string | undefined;
    for (const token of rest) {
      if (token.startsWith('exp:')) {
        if (expiresAt !== undefined) fail(source, line, 'more than one exp:');
        expiresAt = validDate(token.slice(4)) ?? fail(source, line, 'exp: wants a date YYYY-MM-DD');
      } else if (token.startsWith('pkg:')) {
        if (parsePurl(token) === undefined) fail(source, line, 'not a valid purl');
        purls.push(token);
      } else {
        fail(source, line, 'expected pkg:<purl> or exp:YYYY-MM-DD after the id');
      }
    }
    if (rules.length >= maxRules) tooMany(source, maxRules);
    rules.push({ id, purls, paths: [], expiresAt, statement: comment, line });
  });
  return rules;
}

function parseYaml(text: string, source: string, maxRules: number): IgnoreRule[] {
  let value: unknown;
  try {
    const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) fail(source, doc.errors[0]?.linePos?.[0].line ?? 0, 'not valid YAML');
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    if (error instanceof BosunError) throw error;
    throw new BosunError('REPORT_IGNORE_INVALID', `${source}: not valid YAML`, {
      cause: error,
      details: { input: source },
    });
  }
  if (value === null || value === undefined) return [];
  const f = new FieldReader('REPORT_IGNORE_INVALID', source);
  const top = f.record(value, 'document');
  f.onlyKeys(top, 'document', ['vulnerabilities', 'misconfigurations', 'secrets', 'licenses']);
  if (top.vulnerabilities === undefined || top.vulnerabilities === null) return [];
  const entries = f.array(top.vulnerabilities, 'vulnerabilities', maxRules);
  return entries.map((entry, i): IgnoreRule => {
    const where = `vulnerabilities[${i}]`;
    const e = f.record(entry, where);
    f.onlyKeys(e, where, ['id', 'purls', 'paths', 'expired_at', 'statement']);
    const id = f.string(e.id, `${where}.id`);
    if (!ID.test(id)) f.fail(`${where}.id`, 'not a vulnerability id');
    const purls = f.strings(e.purls, `${where}.purls`, maxRules);
    purls.forEach((p, j) => {
      if (parsePurl(p) === undefined) f.fail(`${where}.purls[${j}]`, 'not a valid purl');
    });
    const paths = f.strings(e.paths, `${where}.paths`, maxRules).map((p) => p.replace(/^\/+/, ''));
    const expired = e.expired_at;
    let expiresAt: string | undefined;
    if (expired !== undefined && expired !== null) {
      const text = typeof expired === 'string' ? expired : '';
      expiresAt = validDate(text) ?? f.fail(`${where}.expired_at`, 'expected a date YYYY-MM-DD');
    }
    return {
      id,
      purls,
      paths,
      expiresAt,
      statement: f.optionalString(e.statement, `${where}.statement`),
      line: i + 1,
    };
  });
}

/** Parses an ignore file (untrusted text) into rules, or throws REPORT_IGNORE_INVALID / REPORT_LIMIT. */
export function parseIgnoreFile(text: string, options: IgnoreFileOptions = {}): IgnoreFile {
  const source = options.source ?? '.bosunignore';
  checkSize(text, source, options.maxBytes ?? DEFAULT_IGNORE_MAX_BYTES);
  const maxRules = options.maxRules ?? DEFAULT_IGNORE_MAX_RULES;
  const format =
    options.format === 'text' || options.format === 'yaml'
      ? options.format
      : /\.ya?ml$/i.test(source) || /^vulnerabilities\s*:/m.test(text)
        ? 'yaml'
        : 'text';
  const rules = format === 'yaml' ? parseYaml(text, source, maxRules) : parseText(text, source, maxRules);
  return { source, rules };
}

/** Whether a rule has expired at `now` (Trivy's rule: expired from 00:00 UTC of the date). */
export function ruleExpired(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt !== undefined && now.getTime() >= Date.parse(`${rule.expiresAt}T00:00:00Z`);
}
