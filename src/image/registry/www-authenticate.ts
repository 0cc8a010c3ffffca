/**
 * `WWW-Authenticate` parsing (RFC 9110 §11.6.1 / RFC 7235): one or more comma-separated
 * challenges, each `scheme [token68 | param=value, ...]` with token or quoted-string values
 * (backslash escapes). Registries send `Bearer realm="...",service="...",scope="..."` or
 * `Basic realm="..."`. Input is untrusted: bounded length and counts, typed errors.
 */
import { BosunError } from '../../util/errors.ts';

export interface AuthChallenge {
  /** Lower-cased scheme: `bearer`, `basic`, ... */
  readonly scheme: string;
  /** Parameters with lower-cased names; the first occurrence of a name wins. */
  readonly params: ReadonlyMap<string, string>;
  readonly token68?: string;
}

export const MAX_CHALLENGE_HEADER_LENGTH = 16 * 1024;
const MAX_CHALLENGES = 16;
const MAX_PARAMS = 32;

// RFC 9110 tchar.
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[A-Za-z0-9\-._~+/]/;

function malformed(what: string, position: number): BosunError {
  return new BosunError('REGISTRY_PROTOCOL', `WWW-Authenticate header: ${what} at offset ${position}`, {
    details: { input: 'WWW-Authenticate', position },
  });
}

/** Parses every challenge in a header value (or several header values joined with `, `). */
export function parseWwwAuthenticate(header: string): AuthChallenge[] {
  if (header.length > MAX_CHALLENGE_HEADER_LENGTH) {
    throw new BosunError(
      'REGISTRY_PROTOCOL',
      `WWW-Authenticate header: length limit exceeded (${header.length} > ${MAX_CHALLENGE_HEADER_LENGTH})`,
      {
        details: {
          input: 'WWW-Authenticate',
          limit: 'length',
          value: header.length,
          max: MAX_CHALLENGE_HEADER_LENGTH,
        },
      },
    );
  }
  let pos = 0;
  const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t';
  const skipSpaces = (): void => {
    while (isSpace(header[pos])) pos++;
  };
  const skipSeparators = (): void => {
    while (isSpace(header[pos]) || header[pos] === ',') pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < header.length && TCHAR.test(header[pos] as string)) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    // header[pos] === '"'
    const start = pos;
    pos++;
    let value = '';
    while (pos < header.length) {
      const c = header[pos] as string;
      if (c === '"') {
        pos++;
        return value;
      }
      if (c === '\\') {
        if (pos + 1 >= header.length) break;
        value += header[pos + 1];
        pos += 2;
        continue;
      }
      value += c;
      pos++;
    }
    throw malformed('unterminated quoted string', start);
  };

  const challenges: AuthChallenge[] = [];
  skipSeparators();
  while (pos < header.length) {
    const schemeStart = pos;
    const scheme = readToken();
    if (scheme === '') throw malformed('expected an auth scheme', schemeStart);
    if (challenges.length >= MAX_CHALLENGES)
      throw malformed(`more than ${MAX_CHALLENGES} challenges`, schemeStart);
    const params = new Map<string, string>();
    let token68: string | undefined;
    const afterScheme = pos;
    skipSpaces();
    if (pos > afterScheme && pos < header.length && header[pos] !== ',') {
      // token68, or the first of a list of auth-params.
      const t68 = tryToken68();
      if (t68 !== undefined) {
        token68 = t68;
      } else {
        parseParams(params);
      }
    } else if (pos < header.length && header[pos] !== ',') {
      throw malformed('expected a space after the scheme', pos);
    }
    challenges.push({ scheme: scheme.toLowerCase(), params, ...(token68 === undefined ? {} : { token68 }) });
    skipSeparators();
  }
  return challenges;

  // token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", followed by the end of
  // the header or a comma. `name=value` is a parameter instead.
  function tryToken68(): string | undefined {
    const start = pos;
    let end = pos;
    while (end < header.length && TOKEN68_CHAR.test(header[end] as string)) end++;
    if (end === start) return undefined;
    let eq = end;
    while (header[eq] === '=') eq++;
    let next = eq;
    while (isSpace(header[next])) next++;
    if (next < header.length && header[next] !== ',') return undefined;
    pos = next;
    return header.slice(start, eq);
  }

  function parseParams(params: Map<string, string>): void {
    let count = 0;
    for (;;) {
      const nameStart = pos;
      const name = readToken();
      if (name === '') throw malformed('expected a parameter name', nameStart);
      skipSpaces();
      if (header[pos] !== '=') {
        // A token without '=' starts the next challenge (`Bearer a=b, Basic realm=x`).
        pos = nameStart;
        return;
      }
      pos++;
      skipSpaces();
      let value: string;
      if (header[pos] === '"') {
        value = readQuoted();
      } else {
        const valueStart = pos;
        value = readToken();
        if (value === '') throw malformed('expected a parameter value', valueStart);
      }
      if (++count > MAX_PARAMS) throw malformed(`more than ${MAX_PARAMS} parameters`, nameStart);
      const key = name.toLowerCase();
      if (!params.has(key)) params.set(key, value);
      skipSpaces();
      if (pos >= header.length) return;
      if (header[pos] !== ',') throw malformed('expected a comma', pos);
      // Skip list separators, then see whether a param or a new challenge follows.
      while (header[pos] === ',' || isSpace(header[pos])) pos++;
      if (pos >= header.length) return;
      const save = pos;
      readToken();
      skipSpaces();
      const isParam = header[pos] === '=';
      pos = save;
      if (!isParam) return;
    }
  }
}

/** Serialises a value as a quoted-string (for tests and for building challenges). */
export function quoteAuthParam(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}
