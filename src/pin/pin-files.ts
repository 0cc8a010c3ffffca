// `bosun pin`: pins image references in Kubernetes YAML files (workloads, multi-document files,
// Helm-rendered output), or with `check` only reports what is unpinned.
import { readFile, writeFile, rename } from 'node:fs/promises';
import { isBosunError } from '../util/errors.ts';
import {
  checkText,
  pinText,
  type DigestResolver,
  type PinChange,
  type PinFinding,
  type PinIssue,
} from './pin-text.ts';

export interface PinFilesOptions {
  /** Resolves a tag reference to its manifest digest (required unless `check`). */
  readonly resolve?: DigestResolver;
  /** Write pinned files back in place (atomically, via a temp file and rename). */
  readonly write?: boolean;
  /** Only report unpinned references; no network access, nothing written. */
  readonly check?: boolean;
  readonly concurrency?: number;
  readonly signal?: AbortSignal;
}

export interface PinFileResult {
  readonly file: string;
  readonly unpinned: readonly PinFinding[];
  readonly changes: readonly PinChange[];
  readonly issues: readonly PinIssue[];
  /** The pinned text (undefined in check mode or when the file could not be read). */
  readonly text?: string;
  readonly written: boolean;
  /** A file-level error (unreadable, invalid YAML): the file is left alone. */
  readonly error?: { readonly code: string; readonly message: string };
}

export interface PinFilesResult {
  readonly files: readonly PinFileResult[];
  /** References without a digest, over all files, before pinning. */
  readonly unpinned: number;
  readonly changed: number;
  readonly issues: number;
}

export async function pinFiles(
  files: readonly string[],
  options: PinFilesOptions = {},
): Promise<PinFilesResult> {
  const out: PinFileResult[] = [];
  for (const file of files) {
    options.signal?.throwIfAborted();
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      out.push({ file, unpinned: [], changes: [], issues: [], written: false, error: fileError(error) });
      continue;
    }
    try {
      if (options.check === true || options.resolve === undefined) {
        const r = checkText(text, file);
        out.push({ file, unpinned: r.unpinned, changes: [], issues: r.issues, written: false });
        continue;
      }
      const r = await pinText(text, file, options.resolve, {
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      });
      let written = false;
      if (options.write === true && r.changes.length > 0) {
        const tmp = `${file}.bosun-pin-${process.pid}`;
        await writeFile(tmp, r.text);
        await rename(tmp, file);
        written = true;
      }
      out.push({ file, unpinned: r.unpinned, changes: r.changes, issues: r.issues, text: r.text, written });
    } catch (error) {
      out.push({ file, unpinned: [], changes: [], issues: [], written: false, error: fileError(error) });
    }
  }
  return {
    files: out,
    unpinned: out.reduce((n, f) => n + f.unpinned.length, 0),
    changed: out.reduce((n, f) => n + f.changes.length, 0),
    issues: out.reduce((n, f) => n + f.issues.length + (f.error === undefined ? 0 : 1), 0),
  };
}

function fileError(error: unknown): { code: string; message: string } {
  if (isBosunError(error)) return { code: error.code, message: error.message };
  const code = (error as NodeJS.ErrnoException).code;
  return { code: 'PIN_INPUT_INVALID', message: `cannot read file${code === undefined ? '' : ` (${code})`}` };
}
