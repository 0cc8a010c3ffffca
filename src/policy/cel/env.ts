// The CEL environment for Kubernetes and Kyverno CEL policies: cel-js with optional types, plus
// the Kubernetes extension functions the policies use (strings, lists, sets, regex, quantity, url)
// and Kyverno's libraries (resource, globalContext, image). Libraries that need the network (http,
// image metadata, envoy, jwt) are named as unsupported when called.
import { Environment } from '@marcbachmann/cel-js';
import { parseQuantity, compareNumbers } from '../common/quantity.ts';
import { parseKyvernoImage } from '../kyverno/images.ts';
import { toCel } from './values.ts';
import type { JsonObject, JsonValue } from '../common/json.ts';
import { registerImageVerifyFunctions } from './image-verify-functions.ts';

export const UNSUPPORTED_MARK = 'is not supported by Bosun';

/** Kyverno's network libraries in CEL, and their methods: declared so policies parse, never run. */
export const NETWORK_LIBRARIES = ['http', 'envoy', 'jwt', 'imageData', 'image'] as const;
export const NETWORK_METHODS = [
  'Get',
  'Post',
  'Client',
  'Allowed',
  'Denied',
  'Decode',
  'GetMetadata',
  'Response',
  'WithBody',
  'get',
  'post',
] as const;

/** Host services the Kyverno CEL libraries call. */
export interface CelHost {
  readonly getResource?: (
    apiVersion: string,
    resource: string,
    namespace: string,
    name: string,
  ) => JsonObject | undefined;
  readonly listResources?: (apiVersion: string, resource: string, namespace: string) => JsonObject[];
  readonly globalContext?: (name: string) => JsonValue | undefined;
}

export class ResourceLib {
  readonly host: CelHost;
  constructor(host: CelHost) {
    this.host = host;
  }
}
export class GlobalContextLib {
  readonly host: CelHost;
  constructor(host: CelHost) {
    this.host = host;
  }
}
export class NetworkLib {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}
export class Quantity {
  readonly value: number;
  readonly text: string;
  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
  }
}
export class ImageRef {
  readonly registry: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  constructor(registry: string, repository: string, tag: string, digest: string) {
    this.registry = registry;
    this.repository = repository;
    this.tag = tag;
    this.digest = digest;
  }
}

function unsupported(what: string): never {
  throw new Error(`${what} ${UNSUPPORTED_MARK}`);
}

function quantity(text: string): Quantity {
  const v = parseQuantity(text);
  if (v === undefined) throw new Error(`invalid quantity ${text}`);
  return new Quantity(text, v);
}

function build(): Environment {
  const env = new Environment({
    unlistedVariablesAreDyn: true,
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
  });
  env
    .registerType('kyverno.ResourceLib', ResourceLib)
    .registerType('kyverno.GlobalContextLib', GlobalContextLib)
    .registerType('kyverno.NetworkLib', NetworkLib)
    .registerType('kubernetes.Quantity', Quantity)
    .registerType('kyverno.Image', ImageRef)
    .registerVariable('resource', 'kyverno.ResourceLib')
    .registerVariable('globalContext', 'kyverno.GlobalContextLib');
  for (const name of NETWORK_LIBRARIES) env.registerVariable(name, 'kyverno.NetworkLib');
  const fn = (sig: string, handler: (...args: never[]) => unknown): void => {
    env.registerFunction(sig, handler as never);
  };
  // Kyverno libraries.
  for (const m of ['Get', 'get']) {
    fn(
      `kyverno.ResourceLib.${m}(dyn, dyn, dyn, dyn): dyn`,
      (lib: ResourceLib, apiVersion: string, res: string, ns: string, name: string) => {
        const r = lib.host.getResource?.(String(apiVersion), String(res), String(ns ?? ''), String(name));
        if (r === undefined)
          unsupported(
            `resource.${m} of ${String(apiVersion)} ${String(res)} ${String(ns)}/${String(name)} (not in the test's resources)`,
          );
        return toCel(r);
      },
    );
    fn(`kyverno.GlobalContextLib.${m}(dyn, dyn): dyn`, (lib: GlobalContextLib, name: string) => {
      const v = lib.host.globalContext?.(String(name));
      if (v === undefined) unsupported('globalContext.Get');
      return toCel(v);
    });
  }
  for (const m of ['List', 'list']) {
    fn(
      `kyverno.ResourceLib.${m}(dyn, dyn, dyn): dyn`,
      (lib: ResourceLib, apiVersion: string, res: string, ns: string) => {
        if (lib.host.listResources === undefined) unsupported('resource.List');
        return toCel({ items: lib.host.listResources(String(apiVersion), String(res), String(ns ?? '')) });
      },
    );
  }
  for (const m of NETWORK_METHODS) {
    for (const arity of [0, 1, 2, 3]) {
      const params = Array.from({ length: arity }, () => 'dyn').join(', ');
      fn(`kyverno.NetworkLib.${m}(${params}): dyn`, (lib: NetworkLib) => unsupported(`${lib.name}.${m}`));
    }
  }
  // Kubernetes string extensions missing from cel-js.
  fn('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b));
  fn('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
    let out = s;
    let count = Number(n);
    if (count < 0) return s.split(a).join(b);
    let idx = 0;
    while (count-- > 0) {
      const at = out.indexOf(a, idx);
      if (at < 0) break;
      out = out.slice(0, at) + b + out.slice(at + a.length);
      idx = at + b.length;
    }
    return out;
  });
  fn('string.charAt(int): string', (s: string, i: bigint) => s.charAt(Number(i)));
  fn('string.find(string): string', (s: string, re: string) => new RegExp(re, 'u').exec(s)?.[0] ?? '');
  fn('string.findAll(string): list<string>', (s: string, re: string) =>
    [...s.matchAll(new RegExp(re, 'gu'))].map((m) => m[0]),
  );
  fn('string.reverse(): string', (s: string) => [...s].reverse().join(''));
  // Lists and sets.
  fn('list.isSorted(): bool', (l: unknown[]) =>
    l.every((v, i) => i === 0 || (l[i - 1] as number) <= (v as number)),
  );
  fn('list.sum(): dyn', (l: unknown[]) => l.reduce((a, b) => (a as number) + (b as number)));
  fn('list.min(): dyn', (l: unknown[]) => l.reduce((a, b) => ((b as number) < (a as number) ? b : a)));
  fn('list.max(): dyn', (l: unknown[]) => l.reduce((a, b) => ((b as number) > (a as number) ? b : a)));
  fn('list.indexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.findIndex((x) => x === v)));
  fn('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => BigInt(l.lastIndexOf(v)));
  fn('list.distinct(): list', (l: unknown[]) => [...new Set(l)]);
  fn('list.flatten(): list', (l: unknown[]) => l.flat());
  // Quantities.
  fn('quantity(string): kubernetes.Quantity', (s: string) => quantity(s));
  fn('isQuantity(string): bool', (s: string) => parseQuantity(s) !== undefined);
  fn('kubernetes.Quantity.compareTo(kubernetes.Quantity): int', (a: Quantity, b: Quantity) =>
    BigInt(compareNumbers(a.value, b.value)),
  );
  fn(
    'kubernetes.Quantity.isGreaterThan(kubernetes.Quantity): bool',
    (a: Quantity, b: Quantity) => compareNumbers(a.value, b.value) > 0,
  );
  fn(
    'kubernetes.Quantity.isLessThan(kubernetes.Quantity): bool',
    (a: Quantity, b: Quantity) => compareNumbers(a.value, b.value) < 0,
  );
  fn('kubernetes.Quantity.asInteger(): int', (a: Quantity) => BigInt(Math.trunc(a.value)));
  fn('kubernetes.Quantity.asApproximateFloat(): double', (a: Quantity) => a.value);
  fn('kubernetes.Quantity.sign(): int', (a: Quantity) => BigInt(Math.sign(a.value)));
  fn('kubernetes.Quantity.isInteger(): bool', (a: Quantity) => Number.isInteger(a.value));
  fn(
    'kubernetes.Quantity.add(kubernetes.Quantity): kubernetes.Quantity',
    (a: Quantity, b: Quantity) => new Quantity(String(a.value + b.value), a.value + b.value),
  );
  fn(
    'kubernetes.Quantity.sub(kubernetes.Quantity): kubernetes.Quantity',
    (a: Quantity, b: Quantity) => new Quantity(String(a.value - b.value), a.value - b.value),
  );
  // Kyverno image library.
  fn('image(string): kyverno.Image', (s: string) => {
    const info = parseKyvernoImage(s);
    if (info === undefined) throw new Error(`invalid image reference ${s}`);
    return new ImageRef(info.registry, info.path, info.tag, info.digest);
  });
  fn('isImage(string): bool', (s: string) => parseKyvernoImage(s) !== undefined);
  fn('kyverno.Image.registry(): string', (i: ImageRef) => i.registry);
  fn('kyverno.Image.repository(): string', (i: ImageRef) => i.repository);
  fn('kyverno.Image.tag(): string', (i: ImageRef) => i.tag);
  fn('kyverno.Image.digest(): string', (i: ImageRef) => i.digest);
  fn('kyverno.Image.containsDigest(): bool', (i: ImageRef) => i.digest !== '');
  // URLs.
  fn('url(string): map', (s: string) => {
    const u = new URL(s);
    return {
      scheme: u.protocol.replace(/:$/u, ''),
      host: u.host,
      hostname: u.hostname,
      port: u.port,
      path: u.pathname,
      query: u.search,
    };
  });
  fn('isURL(string): bool', (s: string) => URL.canParse(s));
  registerImageVerifyFunctions(env);
  return env;
}

let shared: Environment | undefined;
const compiled = new Map<string, (ctx: Record<string, unknown>) => unknown>();

/** Compiles (once) and evaluates a CEL expression. */
export function evaluateCel(expression: string, activation: Record<string, unknown>): unknown {
  shared ??= build();
  let program = compiled.get(expression);
  if (program === undefined) {
    const parsed = shared.parse(expression);
    program = (ctx) => parsed(ctx);
    if (compiled.size > 50_000) compiled.clear();
    compiled.set(expression, program);
  }
  return program(activation);
}

/**
 * Evaluates a freshly parsed expression. For expressions calling async functions: cel-js 8 marks a
 * quantifier (`all`, `exists`) async after its first async run and later runs of that program lose
 * the accumulator (they return undefined), so such programs are not reused.
 */
export function evaluateCelFresh(expression: string, activation: Record<string, unknown>): unknown {
  shared ??= build();
  return shared.parse(expression)(activation);
}

/** Parses an expression to surface syntax errors at load time. */
export function checkCel(expression: string): void {
  shared ??= build();
  if (!compiled.has(expression)) {
    const parsed = shared.parse(expression);
    compiled.set(expression, (ctx) => parsed(ctx));
  }
}

/** The shared environment (Kubernetes and Kyverno extensions), for callers that clone it. */
export function celEnvironment(): Environment {
  shared ??= build();
  return shared;
}
