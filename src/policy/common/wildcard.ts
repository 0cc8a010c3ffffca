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

/** True when `value` matches `pattern` (`*` and `?` wildcards, everything else literal). */
export function wildcardMatch(pattern: string, value: string): boolean {
  if (!hasWildcard(pattern)) return pattern === value;
  return wildcardRegExp(pattern).test(value);
}

/** A reusable test for one wildcard pattern (plain equality when it has no wildcard). */
export function compileWildcard(pattern: string): (value: string) => boolean {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  const re = wildcardRegExp(pattern);
  return (value) => re.test(value);
}
