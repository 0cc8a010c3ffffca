// Kyverno's wildcard matching: `*` is any run of characters (including `/`), `?` exactly one.
const cache = new Map<string, RegExp>();

export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('?');
}

export function wildcardRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (re === undefined) {
    let src = '';
    for (const ch of pattern) {
      if (ch === '*') src += '[\\s\\S]*';
      else if (ch === '?') src += '[\\s\\S]';
      else src += ch.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
    }
    re = new RegExp(`^${src}$`, 'u');
    if (cache.size > 10_000) cache.clear();
    cache.set(pattern, re);
  }
  return re;
}

const predicates = new Map<string, (value: string) => boolean>();

/** True when `value` matches `pattern` (`*` and `?` wildcards, everything else literal). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  let test = predicates.get(pattern);
  if (test === undefined) {
    test = compileWildcard(pattern);
    if (predicates.size > 10_000) predicates.clear();
    predicates.set(pattern, test);
  }
  return test(value);
}

const SURROGATE_RE = /[\uD800-\uDFFF]/u;

/**
 * A reusable test for one wildcard pattern: equality without wildcards; `*x`, `x*`, `*x*` and `*`
 * as string tests (the regex would match exactly the same strings); a regex otherwise.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  if (!pattern.includes('?') && !SURROGATE_RE.test(pattern)) {
    const inner = pattern.slice(1, -1);
    if (pattern === '*' || pattern === '**') return () => true;
    if (pattern.lastIndexOf('*') === 0) {
      const suffix = pattern.slice(1);
      return (value) => value.endsWith(suffix);
    }
    if (pattern.indexOf('*') === pattern.length - 1) {
      const prefix = pattern.slice(0, -1);
      return (value) => value.startsWith(prefix);
    }
    if (pattern.startsWith('*') && pattern.endsWith('*') && !inner.includes('*')) {
      return (value) => value.includes(inner);
    }
  }
  const re = wildcardRegExp(pattern);
  return (value) => re.test(value);
}
