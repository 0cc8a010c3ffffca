// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity): a decimal number with an
// optional binary (Ki..Ei), decimal (n, u, m, k, M, G, T, P, E) or exponent (e3, E-2) suffix.
const BINARY: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const QUANTITY_RE = /^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/u;

const MAX_CACHED = 4096;
// Resource values repeat across policies and requests (`512Mi`, `500m`): parsed once each.
const parsed = new Map<string, number | null>();

/** The quantity's value as a number, or undefined when the text is not a quantity. */
export function parseQuantity(text: string): number | undefined {
  let value = parsed.get(text);
  if (value === undefined) {
    value = parse(text) ?? null;
    if (parsed.size >= MAX_CACHED) parsed.clear();
    parsed.set(text, value);
  }
  return value ?? undefined;
}

function parse(text: string): number | undefined {
  const m = QUANTITY_RE.exec(text.trim() === text ? text : '');
  if (m === null) return undefined;
  const num = Number(m[1]);
  const suffix = m[2] ?? '';
  if (Object.hasOwn(BINARY, suffix)) return num * BINARY[suffix]!;
  if (Object.hasOwn(DECIMAL, suffix)) return num * DECIMAL[suffix]!;
  return num * 10 ** Number(suffix.slice(1));
}

/** -1, 0, 1 like Quantity.Cmp (with a relative tolerance for float rounding). */
export function compareNumbers(a: number, b: number): number {
  if (a === b) return 0;
  const tol = Math.max(Math.abs(a), Math.abs(b)) * 1e-12;
  if (Math.abs(a - b) <= tol) return 0;
  return a < b ? -1 : 1;
}
