// A pass-only fast path for policy patterns: the pattern tree is turned into one JavaScript function
// that answers "certainly passes" (true) or "look closer" (false). A false sends the caller to the
// closure matcher in pattern.ts, which decides pass, skip or fail and builds the message, so this
// function only has to be sound for passes: it returns true exactly when every check the matcher
// would run succeeds, and false for anything that could skip. One generated function lets V8
// optimise the whole walk with monomorphic property loads; the closure tree costs a megamorphic call
// per node, which made a five-container pattern cost about 2 µs.
//
// Only structure is generated. Object keys enter the source as JSON string literals (valid
// JavaScript string literals); every leaf comparison is a predicate from value-pattern.ts passed in
// as data. Patterns the generator does not cover (existence anchors, wildcard metadata keys, very
// large trees) get no fast path.
import { parseAnchor } from './anchors.ts';
import { compileValuePattern, type ValuePredicate } from './value-pattern.ts';
import { hasMetadataWildcards } from './pattern-metadata.ts';
import { isObject, type JsonObject } from '../common/json.ts';

export type FastPattern = (resource: unknown) => boolean;

/** Generated source size budget in nodes: a larger pattern keeps the closure matcher only. */
const MAX_NODES = 2_000;

class NotCovered extends Error {}

class Generator {
  readonly tests: ValuePredicate[] = [];
  private vars = 0;
  private nodes = 0;

  fresh(): string {
    return `v${this.vars++}`;
  }

  count(): void {
    if (++this.nodes > MAX_NODES) throw new NotCovered();
  }

  element(pattern: unknown, v: string): string {
    this.count();
    if (isObject(pattern))
      return `if (${v} === null || typeof ${v} !== 'object' || Array.isArray(${v})) return false;\n${this.map(pattern, v)}`;
    if (Array.isArray(pattern)) return `if (!Array.isArray(${v})) return false;\n${this.array(pattern, v)}`;
    const t = this.tests.length;
    this.tests.push(compileValuePattern(pattern));
    const i = this.fresh();
    return `if (Array.isArray(${v})) { for (let ${i} = 0; ${i} < ${v}.length; ${i}++) if (!t[${t}](${v}[${i}])) return false; } else if (!t[${t}](${v})) return false;\n`;
  }

  private map(pattern: JsonObject, v: string): string {
    if (hasMetadataWildcards(pattern)) throw new NotCovered();
    let out = '';
    for (const key of Object.keys(pattern)) {
      const child = pattern[key];
      const anchor = parseAnchor(key);
      const c = this.fresh();
      if (anchor === undefined || anchor.kind === 'addIfNotPresent') {
        // The matcher reads the key as written, anchor included (addIfNotPresent is a mutate anchor).
        const k = JSON.stringify(key);
        if (child === '*')
          out += `{ const ${c} = ${v}[${k}]; if (${c} === undefined || ${c} === null) return false; }\n`;
        else out += `{ const ${c} = ${v}[${k}];\n${this.element(child, c)}}\n`;
        continue;
      }
      const k = JSON.stringify(anchor.key);
      switch (anchor.kind) {
        case 'negation':
          out += `if (hasOwn(${v}, ${k})) return false;\n`;
          break;
        case 'equality':
        case 'global':
          out += `if (hasOwn(${v}, ${k})) { const ${c} = ${v}[${k}];\n${this.element(child, c)}}\n`;
          break;
        case 'condition':
          out += `if (!hasOwn(${v}, ${k})) return false;\n{ const ${c} = ${v}[${k}];\n${this.element(child, c)}}\n`;
          break;
        case 'existence':
          throw new NotCovered();
      }
    }
    return out;
  }

  private array(pattern: unknown[], v: string): string {
    if (pattern.length === 0) return 'return false;\n';
    const first = pattern[0];
    if (isObject(first)) {
      const i = this.fresh();
      const e = this.fresh();
      return `for (let ${i} = 0; ${i} < ${v}.length; ${i}++) { const ${e} = ${v}[${i}];\n${this.element(first, e)}}\n`;
    }
    if (!Array.isArray(first)) return this.element(first, v);
    let out = `if (${v}.length < ${pattern.length}) return false;\n`;
    for (let j = 0; j < pattern.length; j++) {
      const e = this.fresh();
      out += `{ const ${e} = ${v}[${j}];\n${this.element(pattern[j], e)}}\n`;
    }
    return out;
  }
}

/**
 * The fast path of a pattern, or undefined when the pattern has constructs it does not cover (or
 * the runtime forbids code generation from strings).
 */
export function compileFastPattern(pattern: unknown): FastPattern | undefined {
  const gen = new Generator();
  let body: string;
  try {
    body = gen.element(pattern, 'r');
  } catch (e) {
    if (e instanceof NotCovered) return undefined;
    throw e;
  }
  try {
    const make = new Function(
      't',
      'hasOwn',
      `'use strict';\nreturn function fastPattern(r) {\n${body}return true;\n};`,
    ) as (t: readonly ValuePredicate[], hasOwn: (o: object, k: PropertyKey) => boolean) => FastPattern;
    return make(gen.tests, Object.hasOwn);
  } catch {
    return undefined;
  }
}
