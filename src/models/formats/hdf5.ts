// Keras/TF .h5 models: the `model_config` (and `training_config`) attributes of the root group
// hold the Keras config JSON. Read with jsfive, a pure-JS HDF5 reader; when it cannot read the
// file the model is reported unscannable, and a raw search for Lambda configs runs regardless.
import { createRequire } from 'node:module';
import { emit, type Location, type ScanContext } from '../scan/context.ts';
import type { ByteSource } from '../scan/source.ts';
import { checkKerasConfig } from './keras-config.ts';

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const require = createRequire(import.meta.url);

interface Jsfive {
  File: new (buffer: ArrayBuffer, name: string) => { attrs: Record<string, unknown> };
}

function signatureAt(bytes: Uint8Array, at: number): boolean {
  return SIGNATURE.every((b, i) => bytes[at + i] === b);
}

/** The superblock may sit at 0, 512, 1024, 2048… (after a user block). */
export async function isHdf5(source: ByteSource, head: Uint8Array): Promise<boolean> {
  if (signatureAt(head, 0)) return true;
  for (let at = 512; at < source.size && at <= 1 << 20; at *= 2) {
    const bytes = at + 8 <= head.length ? head.subarray(at, at + 8) : await source.read(at, 8);
    if (signatureAt(bytes, 0)) return true;
  }
  return false;
}

export async function scanHdf5(ctx: ScanContext, loc: Location, source: ByteSource): Promise<void> {
  ctx.formats.add('hdf5');
  if (source.size > ctx.limits.maxMemberBytes) {
    emit(ctx, loc, {
      format: 'hdf5',
      offset: 0,
      kind: 'limit-exceeded',
      severity: 'HIGH',
      message: `HDF5 file larger than the ${ctx.limits.maxMemberBytes}-byte limit`,
    });
    return;
  }
  const bytes = await source.read(0, source.size);
  const configs: unknown[] = [];
  // jsfive reports unsupported types on the console; library code must not print, and the
  // parse is synchronous, so the console is silenced for exactly its duration.
  /* eslint-disable no-console -- silencing a dependency, not printing */
  const { log, warn } = console;
  try {
    const { File } = require('jsfive') as Jsfive;
    const copy = new Uint8Array(bytes).buffer; // a copy: file reads may share a pooled ArrayBuffer
    console.log = console.warn = (): void => undefined;
    let file: { attrs: Record<string, unknown> };
    let attrs: Record<string, unknown>;
    try {
      file = new File(copy, 'model.h5');
      attrs = file.attrs;
    } finally {
      console.log = log;
      console.warn = warn;
    }
    /* eslint-enable no-console */
    for (const key of ['model_config', 'training_config']) {
      const raw = attrs[key];
      const text =
        typeof raw === 'string' ? raw : raw instanceof Uint8Array ? new TextDecoder().decode(raw) : undefined;
      if (text !== undefined) configs.push(JSON.parse(text));
    }
  } catch (error) {
    emit(ctx, loc, {
      format: 'hdf5',
      offset: 0,
      kind: 'unscannable',
      severity: 'HIGH',
      message: `HDF5 attributes cannot be read: ${String(error instanceof Error ? error.message : error).slice(0, 200)}`,
    });
  }
  for (const config of configs) checkKerasConfig(ctx, loc, 'hdf5', config);
  // Belt and braces: a Lambda config anywhere in the raw bytes (attributes the reader missed).
  const text = new TextDecoder('latin1').decode(bytes);
  if (configs.length === 0 && /"class_name"\s*:\s*"(Lambda|__lambda__)"/.test(text)) {
    emit(ctx, loc, {
      format: 'hdf5',
      offset: text.search(/"class_name"\s*:\s*"(Lambda|__lambda__)"/),
      kind: 'keras-lambda',
      severity: 'CRITICAL',
      callable: 'Lambda',
      message: 'a Keras Lambda layer config appears in the file',
    });
  }
}
