// Kyverno anchors on pattern keys: `(key)` conditional, `<(key)` global, `=(key)` equality,
// `X(key)` negation, `^(key)` existence, `+(key)` add-if-not-present (mutation only).
export type AnchorKind = 'condition' | 'global' | 'equality' | 'negation' | 'existence' | 'addIfNotPresent';

export interface Anchor {
  readonly kind: AnchorKind;
  readonly key: string;
}

const MODIFIERS: Record<string, AnchorKind> = {
  '': 'condition',
  '<': 'global',
  '=': 'equality',
  X: 'negation',
  '^': 'existence',
  '+': 'addIfNotPresent',
};

const ANCHOR_RE = /^([+<=X^]?)\((.+)\)$/su;

export function parseAnchor(text: string): Anchor | undefined {
  const m = ANCHOR_RE.exec(text);
  if (m === null) return undefined;
  const kind = MODIFIERS[m[1]!];
  if (kind === undefined) return undefined;
  return { kind, key: m[2]! };
}

/** True when a pattern (sub)tree uses any validation anchor. */
export function hasNestedAnchors(pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some(hasNestedAnchors);
  if (typeof pattern === 'object' && pattern !== null) {
    for (const [k, v] of Object.entries(pattern)) {
      const a = parseAnchor(k);
      if (a !== undefined && a.kind !== 'addIfNotPresent') return true;
      if (hasNestedAnchors(v)) return true;
    }
  }
  return false;
}
