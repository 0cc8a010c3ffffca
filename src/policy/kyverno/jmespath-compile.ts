// JMESPath ASTs of the JMESPath Community parser turned into closures, once per expression. Each
// node does exactly what the library's TreeInterpreter.visit does for it (the same null, falsy and
// projection rules; functions go through the library's runtime, so Kyverno's functions and the
// argument checks are the same). Nodes that need interpreter state (let/variables, expression
// references, slices, arithmetic, ternaries) are not compiled: the whole expression is then left
// to the interpreter.
import { TreeInterpreter, type JSONValue } from '@jmespath-community/jmespath';

/** A compiled expression: `root` is what `$` refers to. */
export type CompiledExpression = (value: unknown, root: unknown) => unknown;

interface AstNode {
  readonly type: string;
  readonly name?: string;
  readonly value?: unknown;
  readonly left?: AstNode;
  readonly right?: AstNode;
  readonly child?: AstNode;
  readonly condition?: AstNode;
  readonly children?: readonly AstNode[];
}

interface FunctionRuntime {
  callFunction(name: string, args: unknown[]): unknown;
}

const runtime = (TreeInterpreter as unknown as { runtime: FunctionRuntime }).runtime;

/** The interpreter's notion of false: null, false, '', [], {} (and undefined). */
function isFalse(obj: unknown): boolean {
  if (obj === null || obj === undefined || obj === false) return true;
  if (typeof obj === 'string') return obj === '';
  if (typeof obj === 'object') {
    if (Array.isArray(obj)) return obj.length === 0;
    return Object.keys(obj).length === 0;
  }
  return false;
}

function isPlainObject(obj: unknown): obj is Record<string, unknown> {
  return obj !== null && Object.prototype.toString.call(obj) === '[object Object]';
}

function strictDeepEqual(first: unknown, second: unknown): boolean {
  if (first === second) return true;
  if (typeof first !== typeof second) return false;
  if (Array.isArray(first) && Array.isArray(second)) {
    if (first.length !== second.length) return false;
    for (let i = 0; i < first.length; i += 1) if (!strictDeepEqual(first[i], second[i])) return false;
    return true;
  }
  if (isPlainObject(first) && isPlainObject(second)) {
    const firstEntries = Object.entries(first);
    const secondKeys = new Set(Object.keys(second));
    if (firstEntries.length !== secondKeys.size) return false;
    for (const [key, value] of firstEntries) {
      if (!strictDeepEqual(value, second[key])) return false;
      secondKeys.delete(key);
    }
    return secondKeys.size === 0;
  }
  return false;
}

class NotCompiled extends Error {}

/** The closure for an AST, or undefined when a node needs the interpreter. */
export function compileAst(ast: unknown): CompiledExpression | undefined {
  try {
    return compileNode(ast as AstNode);
  } catch (e) {
    if (e instanceof NotCompiled) return undefined;
    throw e;
  }
}

function sub(node: AstNode | undefined): CompiledExpression {
  if (node === undefined) throw new NotCompiled();
  return compileNode(node);
}

/** The field names of a pure `a.b.c` chain (Fields joined by Subexpressions), else undefined. */
function fieldChain(node: AstNode | undefined): string[] | undefined {
  if (node === undefined) return undefined;
  if (node.type === 'Field' && node.name !== undefined) return [node.name];
  if (node.type !== 'Subexpression') return undefined;
  const left = fieldChain(node.left);
  const right = left === undefined ? undefined : fieldChain(node.right);
  return left === undefined || right === undefined ? undefined : [...left, ...right];
}

function compileNode(node: AstNode): CompiledExpression {
  switch (node.type) {
    case 'Field': {
      const name = node.name!;
      return (value) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
        return (value as Record<string, unknown>)[name] ?? null;
      };
    }
    case 'Subexpression': {
      const names = fieldChain(node);
      if (names !== undefined) {
        // `a.b.c`: the same steps as nested Field/Subexpression closures, in one loop.
        return (value) => {
          let cur = value;
          for (const name of names) {
            if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return null;
            cur = (cur as Record<string, unknown>)[name] ?? null;
          }
          return cur;
        };
      }
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => {
        const result = left(value, root);
        return result != null ? (right(result, root) ?? null) : null;
      };
    }
    case 'IndexExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => right(left(value, root), root);
    }
    case 'Index': {
      const index = node.value as number;
      return (value) => {
        if (!Array.isArray(value)) return null;
        return value[index < 0 ? value.length + index : index] ?? null;
      };
    }
    case 'Projection': {
      // A projection over a slice may project a string: left to the interpreter.
      if (node.left?.type === 'IndexExpression' && node.left.right?.type === 'Slice') throw new NotCompiled();
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => {
        const base = left(value, root);
        if (!Array.isArray(base)) return null;
        const collected: unknown[] = [];
        for (const elem of base) {
          const current = right(elem, root);
          if (current !== null) collected.push(current);
        }
        return collected;
      };
    }
    case 'ValueProjection': {
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => {
        const base = left(value, root);
        if (base === null || typeof base !== 'object' || Array.isArray(base)) return null;
        const collected: unknown[] = [];
        for (const elem of Object.values(base)) {
          const current = right(elem, root);
          if (current !== null) collected.push(current);
        }
        return collected;
      };
    }
    case 'FilterProjection': {
      const left = sub(node.left);
      const right = sub(node.right);
      const condition = sub(node.condition);
      return (value, root) => {
        const base = left(value, root);
        if (!Array.isArray(base)) return null;
        const results: unknown[] = [];
        for (const elem of base) {
          if (isFalse(condition(elem, root))) continue;
          const result = right(elem, root);
          if (result !== null) results.push(result);
        }
        return results;
      };
    }
    case 'Comparator':
      return compileComparator(node);
    case 'Flatten': {
      const child = sub(node.child);
      return (value, root) => {
        const original = child(value, root);
        if (!Array.isArray(original)) return null;
        // original.flat(): one level (JSON arrays have no holes).
        const flat: unknown[] = [];
        for (const item of original) {
          if (Array.isArray(item)) for (const inner of item) flat.push(inner);
          else flat.push(item);
        }
        return flat;
      };
    }
    case 'Root':
      return (_value, root) => root;
    case 'MultiSelectList': {
      const children = (node.children ?? []).map(sub);
      return (value, root) => children.map((c) => c(value, root));
    }
    case 'MultiSelectHash': {
      const children = (node.children ?? []).map((c) => ({ name: c.name!, value: sub(c.value as AstNode) }));
      return (value, root) => {
        const collected: Record<string, unknown> = {};
        for (const c of children) collected[c.name] = c.value(value, root);
        return collected;
      };
    }
    case 'OrExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => {
        const result = left(value, root);
        return isFalse(result) ? right(value, root) : result;
      };
    }
    case 'AndExpression': {
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => {
        const result = left(value, root);
        return isFalse(result) ? result : right(value, root);
      };
    }
    case 'NotExpression': {
      const child = sub(node.child);
      return (value, root) => isFalse(child(value, root));
    }
    case 'Literal': {
      const literal = node.value;
      return () => literal;
    }
    case 'Pipe': {
      const left = sub(node.left);
      const right = sub(node.right);
      return (value, root) => right(left(value, root), root);
    }
    case 'Function': {
      const name = node.name!;
      const children = (node.children ?? []).map(sub);
      return (value, root) => {
        const args: unknown[] = [];
        for (const child of children) args.push(child(value, root));
        return runtime.callFunction(name, args);
      };
    }
    case 'Current':
    case 'Identity':
      return (value) => value;
    default:
      throw new NotCompiled();
  }
}

function compileComparator(node: AstNode): CompiledExpression {
  const left = sub(node.left);
  const right = sub(node.right);
  const op = node.name;
  const numeric = (test: (a: number, b: number) => boolean): CompiledExpression => {
    return (value, root) => {
      const first = left(value, root);
      const second = right(value, root);
      if (typeof first !== 'number' || typeof second !== 'number') return null;
      return test(first, second);
    };
  };
  switch (op) {
    case 'EQ':
      return (value, root) => strictDeepEqual(left(value, root), right(value, root));
    case 'NE':
      return (value, root) => !strictDeepEqual(left(value, root), right(value, root));
    case 'GT':
      return numeric((a, b) => a > b);
    case 'GTE':
      return numeric((a, b) => a >= b);
    case 'LT':
      return numeric((a, b) => a < b);
    case 'LTE':
      return numeric((a, b) => a <= b);
    default:
      throw new NotCompiled();
  }
}

/** Runs a compiled expression like TreeInterpreter.search (the data is also `$`). */
export function runCompiled(expression: CompiledExpression, data: unknown): JSONValue {
  return expression(data, data) as JSONValue;
}
