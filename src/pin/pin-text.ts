// Rewrites image references in YAML text to `name:tag@sha256:...` by splicing the scalar's source
// range, so every other byte (comments, quoting, indentation, document markers) stays as it was.
import { isBosunError } from '../util/errors.ts';
import { parseReference } from '../image/index.ts';
import { findImageFields, type ImageField } from './find-images.ts';

export type DigestResolver = (reference: string, signal?: AbortSignal) => Promise<string>;

export interface PinFinding {
  readonly document: number;
  readonly kind: string;
  readonly name: string;
  readonly pointer: string;
  readonly image: string;
}

export interface PinChange extends PinFinding {
  readonly pinned: string;
}

export interface PinIssue extends PinFinding {
  readonly code: string;
  readonly message: string;
}

export interface PinTextResult {
  readonly text: string;
  /** References without a digest (before pinning). */
  readonly unpinned: readonly PinFinding[];
  readonly changes: readonly PinChange[];
  /** References that could not be parsed or resolved (left as they were). */
  readonly issues: readonly PinIssue[];
}

function finding(f: ImageField): PinFinding {
  return { document: f.document, kind: f.kind, name: f.name, pointer: f.pointer, image: f.image };
}

/** `x:1.2` → `x:1.2@sha256:...`; an implied tag is written out (`nginx` → `nginx:latest@...`). */
export function pinnedString(image: string, digest: string): string {
  const ref = parseReference(image);
  return `${image}${ref.tagImplied ? ':latest' : ''}@${digest}`;
}

function quoted(value: string, quote: ImageField['quote']): string {
  if (quote === 'single') return `'${value.replaceAll("'", "''")}'`;
  if (quote === 'double') return JSON.stringify(value);
  return value;
}

/** Which references in `text` lack a digest, without any network access. */
export function checkText(text: string, file: string): PinTextResult {
  const { images } = findImageFields(text, file);
  const unpinned: PinFinding[] = [];
  const issues: PinIssue[] = [];
  for (const f of images) {
    try {
      if (parseReference(f.image).digest === undefined) unpinned.push(finding(f));
    } catch (error) {
      unpinned.push(finding(f));
      issues.push({
        ...finding(f),
        code: isBosunError(error) ? error.code : 'INTERNAL',
        message: 'not an image reference',
      });
    }
  }
  return { text, unpinned, changes: [], issues };
}

/** Pins every unpinned reference in `text` with `resolve` (each distinct reference resolved once). */
export async function pinText(
  text: string,
  file: string,
  resolve: DigestResolver,
  options: { readonly signal?: AbortSignal; readonly concurrency?: number } = {},
): Promise<PinTextResult> {
  const checked = checkText(text, file);
  const { images } = findImageFields(text, file);
  const bad = new Set(checked.issues.map((i) => `${i.document}|${i.pointer}`));
  const todo = images.filter(
    (f) => !bad.has(`${f.document}|${f.pointer}`) && parseReference(f.image).digest === undefined,
  );
  const distinct = [...new Set(todo.map((f) => f.image))];
  const limit = Math.max(1, options.concurrency ?? 8);
  let next = 0;
  const results = new Map<string, { digest?: string; error?: unknown }>();
  await Promise.all(
    Array.from({ length: Math.min(limit, distinct.length) }, async () => {
      while (next < distinct.length) {
        const image = distinct[next++]!;
        try {
          results.set(image, { digest: await resolve(image, options.signal) });
        } catch (error) {
          results.set(image, { error });
        }
      }
    }),
  );
  const changes: PinChange[] = [];
  const issues: PinIssue[] = [...checked.issues];
  const edits: { start: number; end: number; value: string }[] = [];
  for (const f of todo) {
    const r = results.get(f.image)!;
    if (r.digest === undefined) {
      const code = isBosunError(r.error) ? r.error.code : 'INTERNAL';
      issues.push({ ...finding(f), code, message: `could not resolve ${f.image} (${code})` });
      continue;
    }
    const pinned = pinnedString(f.image, r.digest);
    changes.push({ ...finding(f), pinned });
    edits.push({ start: f.start, end: f.end, value: quoted(pinned, f.quote) });
  }
  let out = text;
  for (const e of edits.sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.value + out.slice(e.end);
  return { text: out, unpinned: checked.unpinned, changes, issues };
}
