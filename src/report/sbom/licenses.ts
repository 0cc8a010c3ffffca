/**
 * License strings from package metadata, classified for SBOMs: an SPDX id, a valid SPDX license
 * expression (SPDX 2.3 Annex D), or a free-text name. The id list is the one the CycloneDX
 * library ships for the CycloneDX schema's license enum, so a BOM we call valid is valid there.
 */
import { fixupSpdxId, isSupportedSpdxId } from '@cyclonedx/cyclonedx-library/SPDX';

export type LicenseChoice =
  | { readonly kind: 'id'; readonly id: string }
  | { readonly kind: 'expression'; readonly expression: string }
  | { readonly kind: 'name'; readonly name: string };

/** License strings come from image files: bound the work on each. */
const MAX_LICENSE_LENGTH = 1024;
const MAX_DEPTH = 32;

type Token =
  | { readonly kind: 'open' | 'close' | 'and' | 'or' | 'with' }
  | { readonly kind: 'id'; readonly value: string };

const REF = /^(?:DocumentRef-[A-Za-z0-9.-]+:)?LicenseRef-[A-Za-z0-9.-]+$/;

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  for (const word of text.replace(/([()])/g, ' $1 ').split(/\s+/)) {
    if (word === '') continue;
    if (word === '(') tokens.push({ kind: 'open' });
    else if (word === ')') tokens.push({ kind: 'close' });
    else if (word === 'AND') tokens.push({ kind: 'and' });
    else if (word === 'OR') tokens.push({ kind: 'or' });
    else if (word === 'WITH') tokens.push({ kind: 'with' });
    else {
      const id = canonicalId(word);
      if (id === undefined) return undefined;
      tokens.push({ kind: 'id', value: id });
    }
  }
  return tokens;
}

/** A known id (case-insensitively, returned in its canonical case, `+` kept), or a LicenseRef. */
function canonicalId(word: string): string | undefined {
  if (REF.test(word)) return word;
  const plus = word.endsWith('+');
  // fixupSpdxId looks words up in a plain object: `__proto__` or `constructor` would return
  // inherited members, so only a string that is itself a known id is accepted.
  const id: unknown = fixupSpdxId(plus ? word.slice(0, -1) : word);
  if (typeof id !== 'string' || !isSupportedSpdxId(id)) return undefined;
  return plus ? `${id}+` : id;
}

/**
 * Parses `compound = simple (WITH id)? | compound AND compound | compound OR compound | ( compound )`
 * with AND binding tighter than OR; returns the expression re-printed with canonical ids, or
 * undefined when the text is not a valid expression.
 */
export function normalizeLicenseExpression(text: string): string | undefined {
  if (text.length === 0 || text.length > MAX_LICENSE_LENGTH) return undefined;
  const tokens = tokenize(text);
  if (tokens === undefined || tokens.length === 0) return undefined;
  let at = 0;
  const peek = () => tokens[at];

  const primary = (depth: number): string | undefined => {
    if (depth > MAX_DEPTH) return undefined;
    const token = tokens[at++];
    if (token === undefined) return undefined;
    if (token.kind === 'open') {
      const inner = orExpr(depth + 1);
      if (inner === undefined || tokens[at++]?.kind !== 'close') return undefined;
      return `(${inner})`;
    }
    if (token.kind !== 'id') return undefined;
    if (peek()?.kind === 'with') {
      at += 1;
      const exception = tokens[at++];
      if (exception?.kind !== 'id' || exception.value.startsWith('LicenseRef-')) return undefined;
      return `${token.value} WITH ${exception.value}`;
    }
    return token.value;
  };
  const andExpr = (depth: number): string | undefined => {
    let left = primary(depth);
    while (left !== undefined && peek()?.kind === 'and') {
      at += 1;
      const right = primary(depth);
      left = right === undefined ? undefined : `${left} AND ${right}`;
    }
    return left;
  };
  const orExpr = (depth: number): string | undefined => {
    let left = andExpr(depth);
    while (left !== undefined && peek()?.kind === 'or') {
      at += 1;
      const right = andExpr(depth);
      left = right === undefined ? undefined : `${left} OR ${right}`;
    }
    return left;
  };

  const result = orExpr(0);
  return result !== undefined && at === tokens.length ? result : undefined;
}

/** How one license string of a package is written in an SBOM. */
export function classifyLicense(text: string): LicenseChoice {
  const trimmed = text.trim();
  const id = trimmed.includes(' ') ? undefined : canonicalId(trimmed);
  if (id !== undefined && !id.endsWith('+') && !REF.test(id)) return { kind: 'id', id };
  const expression = normalizeLicenseExpression(trimmed);
  if (expression !== undefined) return { kind: 'expression', expression };
  return { kind: 'name', name: trimmed };
}

/** `LicenseRef-` id for a free-text license name: readable, and unique by a short hash. */
export function licenseRefFor(name: string, hash: (text: string) => string): string {
  const readable = name
    .replace(/[^A-Za-z0-9.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return `LicenseRef-${readable === '' ? 'unnamed' : readable}-${hash(name).slice(0, 8)}`;
}
