// Keras model configs (config.json in .keras zips, model_config in .h5): Lambda layers carry
// Python code (marshalled bytecode or source) that runs when the model is built; layers and
// objects from outside Keras need custom code registered by the loader.
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ModelFormat } from '../types.ts';

const KERAS_MODULE = /^(keras|tf_keras|tensorflow\.keras|tensorflow\.python\.keras)(\.|$)/;

export function isKerasConfig(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const o = value as Record<string, unknown>;
  return typeof o['class_name'] === 'string' && typeof o['config'] === 'object';
}

/** Walks a Keras config tree (nested sub-models included) and reports code-carrying objects. */
export function checkKerasConfig(ctx: ScanContext, loc: Location, format: ModelFormat, root: unknown): void {
  const stack: Array<{ value: unknown; path: string; depth: number }> = [
    { value: root, path: '$', depth: 0 },
  ];
  let visited = 0;
  while (stack.length > 0 && visited < 1_000_000) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    visited++;
    if (value === null || typeof value !== 'object' || depth > 200) continue;
    if (Array.isArray(value)) {
      value.forEach((item, i) => stack.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
      continue;
    }
    const o = value as Record<string, unknown>;
    const className = o['class_name'];
    if (typeof className === 'string') {
      const name =
        typeof o['name'] === 'string'
          ? o['name']
          : typeof (o['config'] as Record<string, unknown> | undefined)?.['name'] === 'string'
            ? String((o['config'] as Record<string, unknown>)['name'])
            : '';
      if (
        className === 'Lambda' ||
        className === '__lambda__' ||
        (className === 'TFOpLambda' &&
          typeof (o['config'] as Record<string, unknown> | undefined)?.['function'] === 'object')
      ) {
        emit(ctx, loc, {
          format,
          offset: 0,
          kind: 'keras-lambda',
          severity: 'CRITICAL',
          callable: className,
          callChain: [path],
          message: `${className} ${name ? `layer ${JSON.stringify(name)} ` : ''}carries Python code that runs when the model is loaded`,
        });
      } else {
        const module = o['module'];
        const registered = o['registered_name'];
        const custom =
          (typeof module === 'string' && !KERAS_MODULE.test(module)) ||
          (typeof registered === 'string' && registered.includes('>')) ||
          (typeof registered === 'string' &&
            registered !== className &&
            typeof module === 'string' &&
            !KERAS_MODULE.test(module));
        if (custom) {
          emit(ctx, loc, {
            format,
            offset: 0,
            kind: 'keras-custom-object',
            severity: 'HIGH',
            callable: `${typeof module === 'string' ? module : '?'}.${className}`,
            callChain: [path],
            message: `custom object ${className}${typeof registered === 'string' ? ` (${registered})` : ''} needs code from outside Keras`,
          });
        }
      }
    }
    // Keras 3 serialises plain Python functions as {"class_name": "function", "config": "module.fn"}.
    if (className === 'function' && typeof o['module'] === 'string' && !KERAS_MODULE.test(o['module'])) {
      emit(ctx, loc, {
        format,
        offset: 0,
        kind: 'keras-custom-object',
        severity: 'HIGH',
        callable: `${o['module']}.${String(o['config'])}`,
        callChain: [path],
        message: 'function reference from outside Keras',
      });
    }
    for (const [k, v] of Object.entries(o)) stack.push({ value: v, path: `${path}.${k}`, depth: depth + 1 });
  }
}
