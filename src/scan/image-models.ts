/**
 * Model files of an image, checked by src/models: each file is read out of the layer that holds
 * its final version (one pass per layer, the layer verified against its diff-id) into a temp
 * directory we own, scanned in place (never loaded), and deleted.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { walkLayer, type ResolvedImage } from '../image/index.ts';
import type { ModelFile } from '../inventory/index.ts';
import { scanModelFile, type ModelScanOptions, type ModelScanResult } from '../models/index.ts';
import type { ModelScanStep } from './run-scan.ts';
import type { ScanIssue } from './types.ts';

/** Largest model file copied out of a layer (larger ones are reported, not scanned). */
export const DEFAULT_MAX_MODEL_FILE_BYTES = 32 * 1024 * 1024 * 1024;

export interface ImageModelOptions {
  readonly models?: ModelScanOptions;
  readonly tempDir?: string;
  readonly maxFileBytes?: number;
  readonly signal?: AbortSignal;
}

export function imageModelStep(image: ResolvedImage, options: ImageModelOptions): ModelScanStep {
  return async (files, onFile) => {
    const results = new Map<string, ModelScanResult>();
    const issues: ScanIssue[] = [];
    const max = options.maxFileBytes ?? DEFAULT_MAX_MODEL_FILE_BYTES;
    const byLayer = new Map<string, ModelFile[]>();
    for (const file of files) {
      const digest = file.location.layerDigest;
      if (digest === undefined) {
        issues.push(issue(file, 'MODEL_NOT_FOUND', 'model file has no layer'));
        continue;
      }
      if (file.size > max) {
        issues.push(
          issue(
            file,
            'MODEL_TOO_LARGE',
            `model file of ${file.size} bytes is over the ${max}-byte limit; not scanned`,
          ),
        );
        continue;
      }
      const list = byLayer.get(digest) ?? [];
      list.push(file);
      byLayer.set(digest, list);
    }
    const temp = await mkdtemp(join(options.tempDir ?? tmpdir(), 'bosun-models-'));
    try {
      let done = 0;
      for (const [digest, wanted] of byLayer) {
        const layer = image.layers.find((l) => l.descriptor.digest === digest);
        if (layer === undefined) {
          for (const file of wanted)
            issues.push(issue(file, 'MODEL_NOT_FOUND', `layer ${digest} is not in the image`));
          continue;
        }
        const byPath = new Map(wanted.map((f) => [f.path, f]));
        const scanned = new Set<string>();
        const stream = await image.source.blobStream(layer.descriptor, options.signal);
        await walkLayer(stream, {
          name: `${image.source.name} layer ${digest}`,
          ...(layer.diffId === undefined ? {} : { diffId: layer.diffId }),
          ...(options.signal === undefined ? {} : { signal: options.signal }),
          // Hard-linked copies are not followed: only the regular file at the path counts.
          wants: (entry) => entry.type === 'file' && byPath.has(entry.path) && !scanned.has(entry.path),
          onFile: async (entry, body: Readable) => {
            const file = byPath.get(entry.path);
            if (file === undefined) return;
            scanned.add(entry.path);
            onFile(done++, file);
            const local = join(temp, `model-${done}`);
            await pipeline(body, createWriteStream(local, { mode: 0o600 }));
            try {
              const result = await scanModelFile(local, {
                ...options.models,
                ...(options.signal === undefined ? {} : { signal: options.signal }),
              });
              results.set(file.path, relabel(result, file.path, local));
            } finally {
              await rm(local, { force: true });
            }
          },
        });
        for (const file of wanted) {
          if (!scanned.has(file.path))
            issues.push(issue(file, 'MODEL_NOT_FOUND', `not found in layer ${digest}`));
        }
      }
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    return {
      results: [...results.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0)),
      issues,
    };
  };
}

/** Findings name the path in the image, not the temp copy. */
export function relabel(result: ModelScanResult, path: string, local: string): ModelScanResult {
  return {
    ...result,
    file: path,
    findings: result.findings.map((f) => ({ ...f, file: f.file === local ? path : f.file })),
  };
}

function issue(file: ModelFile, code: string, message: string): ScanIssue {
  return { source: 'models', path: file.path, code, message };
}
