// Kyverno's custom JMESPath functions (pkg/engine/jmespath of Kyverno), registered once on the
// JMESPath Community runtime. Names, argument orders and results follow Kyverno's documentation.
import {
  registerFunction,
  TYPE_ANY,
  TYPE_ARRAY,
  TYPE_NUMBER,
  TYPE_OBJECT,
  TYPE_STRING,
  type JSONValue,
} from '@jmespath-community/jmespath';
import { parse as parseYaml } from 'yaml';
import { createHash } from 'node:crypto';
import { wildcardMatch } from '../common/wildcard.ts';
import { parseGoDuration } from '../common/duration.ts';
import { parseQuantity } from '../common/quantity.ts';
import { isObject, type JsonObject } from '../common/json.ts';
import { normaliseImageReference } from './images.ts';

type Fn = (args: JSONValue[]) => JSONValue;

const S = { types: [TYPE_STRING] };
const A = { types: [TYPE_ANY] };
const N = { types: [TYPE_NUMBER] };

function str(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function fn(name: string, f: Fn, sig: { types: number[]; optional?: boolean; variadic?: boolean }[]): void {
  registerFunction(name, f as never, sig as never, { override: true });
}

function goDurationString(seconds: number): string {
  if (seconds === 0) return '0s';
  const neg = seconds < 0;
  let s = Math.abs(seconds);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const secs = Number(s.toFixed(9)).toString();
  let out = '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${secs}s`;
  return (neg ? '-' : '') + out;
}

function parseTime(text: string): number {
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new Error(`invalid time ${text}`);
  return t;
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/u, 'Z');
}

function arith(op: '+' | '-' | '*' | '/' | '%'): Fn {
  return ([a, b]) => {
    const qa = typeof a === 'string' ? (parseGoDuration(a) ?? parseQuantity(a)) : (a as number);
    const qb = typeof b === 'string' ? (parseGoDuration(b) ?? parseQuantity(b)) : (b as number);
    if (typeof qa !== 'number' || typeof qb !== 'number') throw new Error(`invalid operands for arithmetic`);
    const durA = typeof a === 'string' && parseGoDuration(a) !== undefined;
    const durB = typeof b === 'string' && parseGoDuration(b) !== undefined;
    let r: number;
    switch (op) {
      case '+':
        r = qa + qb;
        break;
      case '-':
        r = qa - qb;
        break;
      case '*':
        r = qa * qb;
        break;
      case '/':
        if (qb === 0) throw new Error('divide by zero');
        r = qa / qb;
        if (durA && durB) return r;
        break;
      case '%':
        if (qb === 0) throw new Error('modulo by zero');
        r = qa % qb;
        break;
    }
    if ((durA || durB) && op !== '/') return goDurationString(r);
    if (durA && op === '/') return goDurationString(r);
    return r;
  };
}

let registered = false;

/** Registers Kyverno's functions on the JMESPath runtime (idempotent). */
export function registerKyvernoFunctions(): void {
  if (registered) return;
  registered = true;
  fn('compare', ([a, b]) => (str(a) < str(b) ? -1 : str(a) > str(b) ? 1 : 0), [S, S]);
  fn('equal_fold', ([a, b]) => str(a).toLowerCase() === str(b).toLowerCase(), [S, S]);
  fn(
    'replace',
    ([s, o, n, c]) => {
      let count = c as number;
      const src = str(s);
      if (count < 0) return src.split(str(o)).join(str(n));
      let out = src;
      let idx = 0;
      while (count-- > 0) {
        const at = out.indexOf(str(o), idx);
        if (at < 0) break;
        out = out.slice(0, at) + str(n) + out.slice(at + str(o).length);
        idx = at + str(n).length;
      }
      return out;
    },
    [S, S, S, N],
  );
  fn('replace_all', ([s, o, n]) => str(s).split(str(o)).join(str(n)), [S, S, S]);
  fn('to_upper', ([s]) => str(s).toUpperCase(), [S]);
  fn('to_lower', ([s]) => str(s).toLowerCase(), [S]);
  fn(
    'trim',
    ([s, cut]) => {
      const chars = new Set(str(cut));
      const arr = [...str(s)];
      let a = 0;
      let b = arr.length;
      while (a < b && chars.has(arr[a]!)) a++;
      while (b > a && chars.has(arr[b - 1]!)) b--;
      return arr.slice(a, b).join('');
    },
    [S, S],
  );
  fn('trim_prefix', ([s, p]) => (str(s).startsWith(str(p)) ? str(s).slice(str(p).length) : str(s)), [S, S]);
  fn('split', ([s, sep]) => str(s).split(str(sep)), [S, S]);
  fn(
    'regex_replace_all',
    ([re, src, rep]) => str(src).replace(new RegExp(str(re), 'gu'), goReplacement(str(rep))),
    [S, { types: [TYPE_STRING, TYPE_NUMBER] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  );
  fn(
    'regex_replace_all_literal',
    ([re, src, rep]) => str(src).replace(new RegExp(str(re), 'gu'), () => str(rep)),
    [S, { types: [TYPE_STRING, TYPE_NUMBER] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  );
  fn('regex_match', ([re, s]) => new RegExp(str(re), 'u').test(typeof s === 'number' ? String(s) : str(s)), [
    S,
    { types: [TYPE_STRING, TYPE_NUMBER] },
  ]);
  fn('pattern_match', ([p, s]) => wildcardMatch(str(p), typeof s === 'number' ? String(s) : str(s)), [
    S,
    { types: [TYPE_STRING, TYPE_NUMBER] },
  ]);
  fn(
    'label_match',
    ([sel, labels]) => {
      const l = labels as JsonObject;
      return Object.entries(sel as JsonObject).every(([k, v]) => l[k] === v);
    },
    [{ types: [TYPE_OBJECT] }, { types: [TYPE_OBJECT] }],
  );
  fn(
    'to_boolean',
    ([s]) => {
      const t = str(s).toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      throw new Error(`lookup: cannot convert ${str(s)} to boolean`);
    },
    [S],
  );
  fn('add', arith('+'), [{ types: [TYPE_ANY] }, { types: [TYPE_ANY] }]);
  fn('subtract', arith('-'), [A, A]);
  fn('multiply', arith('*'), [A, A]);
  fn('divide', arith('/'), [A, A]);
  fn('modulo', arith('%'), [A, A]);
  fn(
    'round',
    ([n, d]) => {
      const f = 10 ** (d as number);
      return Math.round((n as number) * f) / f;
    },
    [N, N],
  );
  fn('base64_decode', ([s]) => Buffer.from(str(s), 'base64').toString('utf8'), [S]);
  fn('base64_encode', ([s]) => Buffer.from(str(s), 'utf8').toString('base64'), [S]);
  fn('sha256', ([s]) => createHash('sha256').update(str(s)).digest('hex'), [S]);
  fn(
    'path_canonicalize',
    ([s]) => {
      const parts: string[] = [];
      for (const p of str(s).split('/')) {
        if (p === '' || p === '.') continue;
        if (p === '..') parts.pop();
        else parts.push(p);
      }
      return (str(s).startsWith('/') ? '/' : '') + parts.join('/') || '.';
    },
    [S],
  );
  fn('truncate', ([s, n]) => [...str(s)].slice(0, Math.max(0, n as number)).join(''), [S, N]);
  fn('semver_compare', ([v, range]) => semverSatisfies(str(v), str(range)), [S, S]);
  fn('parse_json', ([s]) => JSON.parse(str(s)) as JSONValue, [S]);
  fn('parse_yaml', ([s]) => parseYaml(str(s)) as JSONValue, [S]);
  fn(
    'lookup',
    ([coll, key]) => {
      if (Array.isArray(coll)) {
        if (typeof key !== 'number' || !Number.isInteger(key))
          throw new Error('lookup: index must be an integer');
        return key >= 0 && key < coll.length ? coll[key]! : null;
      }
      if (isObject(coll)) {
        if (typeof key !== 'string') throw new Error('lookup: key must be a string');
        return Object.hasOwn(coll, key) ? (coll as JsonObject)[key]! : null;
      }
      throw new Error('lookup: invalid collection');
    },
    [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, { types: [TYPE_STRING, TYPE_NUMBER] }],
  );
  fn(
    'items',
    ([obj, kName, vName]) => {
      const k = str(kName);
      const v = str(vName);
      if (Array.isArray(obj)) return obj.map((val, i) => ({ [k]: i, [v]: val }));
      const o = obj as JsonObject;
      return Object.keys(o)
        .sort()
        .map((key) => ({ [k]: key, [v]: o[key]! }));
    },
    [{ types: [TYPE_OBJECT, TYPE_ARRAY] }, S, S],
  );
  fn(
    'object_from_lists',
    ([keys, values]) => {
      const out: JsonObject = {};
      (keys as JSONValue[]).forEach((key, i) => {
        out[str(key)] = (values as JSONValue[])[i] ?? null;
      });
      return out;
    },
    [{ types: [TYPE_ARRAY] }, { types: [TYPE_ARRAY] }],
  );
  fn('time_now', () => rfc3339(Date.now()), []);
  fn('time_now_utc', () => rfc3339(Date.now()), []);
  fn(
    'time_since',
    ([, a, b]) => {
      const start = parseTime(str(a));
      const end = str(b) === '' ? Date.now() : parseTime(str(b));
      return goDurationString((end - start) / 1000);
    },
    [S, S, S],
  );
  fn('time_add', ([t, d]) => rfc3339(parseTime(str(t)) + (parseGoDuration(str(d)) ?? 0) * 1000), [S, S]);
  fn(
    'time_parse',
    ([layout, t]) => {
      if (/^\d+$/u.test(str(layout)) || str(layout) === '') return rfc3339(Number(str(t)) * 1000);
      return rfc3339(parseTime(str(t)));
    },
    [S, S],
  );
  fn('time_utc', ([t]) => rfc3339(parseTime(str(t))), [S]);
  fn('time_diff', ([a, b]) => goDurationString((parseTime(str(b)) - parseTime(str(a))) / 1000), [S, S]);
  fn('time_before', ([a, b]) => parseTime(str(a)) < parseTime(str(b)), [S, S]);
  fn('time_after', ([a, b]) => parseTime(str(a)) > parseTime(str(b)), [S, S]);
  fn(
    'time_between',
    ([t, a, b]) => {
      const x = parseTime(str(t));
      return x > parseTime(str(a)) && x < parseTime(str(b));
    },
    [S, S, S],
  );
  fn(
    'time_truncate',
    ([t, d]) => {
      const step = (parseGoDuration(str(d)) ?? 1) * 1000;
      const x = parseTime(str(t));
      return rfc3339(x - (x % step));
    },
    [S, S],
  );
  fn(
    'is_external_url',
    ([u]) => {
      try {
        const url = new URL(str(u));
        const h = url.hostname;
        return !(
          h === 'localhost' ||
          /^127\./u.test(h) ||
          /^10\./u.test(h) ||
          /^192\.168\./u.test(h) ||
          /^172\.(1[6-9]|2\d|3[01])\./u.test(h) ||
          h === '[::1]'
        );
      } catch {
        return false;
      }
    },
    [S],
  );
  fn('image_normalize', ([s]) => normaliseImageReference(str(s)), [S]);
  fn(
    'x509_decode',
    () => {
      throw new Error('x509_decode is not supported by Bosun');
    },
    [S],
  );
  fn(
    'random',
    () => {
      throw new Error('random is not supported by Bosun (non-deterministic)');
    },
    [S],
  );
}

/** Go regexp replacement syntax `$1`/`${1}` → JavaScript `$1`. */
function goReplacement(rep: string): string {
  return rep.replace(/\$\{(\w+)\}/gu, (_m, g: string) => (/^\d+$/u.test(g) ? `$${g}` : `$<${g}>`));
}

function semverSatisfies(version: string, range: string): boolean {
  const parse = (s: string): number[] | undefined => {
    const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/u.exec(s.trim());
    return m === null ? undefined : [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  };
  const v = parse(version);
  if (v === undefined) return false;
  const cmp = (a: number[], b: number[]): number => {
    for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
    return 0;
  };
  return range.split('||').some((alt) =>
    alt
      .trim()
      .split(/\s+/u)
      .filter((x) => x !== '')
      .every((c) => {
        const m = /^(>=|<=|>|<|=|!=|~|\^)?(.*)$/u.exec(c)!;
        const target = parse(m[2]!);
        if (target === undefined) return false;
        const r = cmp(v, target);
        switch (m[1] ?? '=') {
          case '>=':
            return r >= 0;
          case '<=':
            return r <= 0;
          case '>':
            return r > 0;
          case '<':
            return r < 0;
          case '!=':
            return r !== 0;
          default:
            return r === 0;
        }
      }),
  );
}
