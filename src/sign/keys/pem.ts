import { BosunError } from '../../util/errors.ts';

/** One PEM block: its label (`PUBLIC KEY`, `ENCRYPTED SIGSTORE PRIVATE KEY`, ...) and decoded body. */
export interface PemBlock {
  readonly label: string;
  readonly der: Buffer;
}

/** PEM text above this size is refused before any work: real keys are a few KiB. */
export const MAX_PEM_BYTES = 64 * 1024;

const BEGIN = /-----BEGIN ([A-Z0-9 ]{1,64})-----\r?\n/;
const BASE64_BODY = /^[A-Za-z0-9+/\s]*={0,2}\s*$/;

/**
 * Decodes the first PEM block of `text`, like Go's `pem.Decode`: text before the block is ignored,
 * the body must be base64 (line breaks allowed) and must not be empty. PEM headers
 * (`Proc-Type: ...`) are refused: no key format Bosun reads uses them.
 */
export function decodePem(text: string | Uint8Array, input: string): PemBlock {
  const size = typeof text === 'string' ? Buffer.byteLength(text, 'utf8') : text.byteLength;
  if (size > MAX_PEM_BYTES) {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: PEM larger than ${MAX_PEM_BYTES} bytes`, {
      details: { input, limit: 'bytes', value: size, max: MAX_PEM_BYTES },
    });
  }
  const source = typeof text === 'string' ? text : Buffer.from(text).toString('latin1');
  // One BEGIN line, then its own END line found by indexOf: linear, no backtracking.
  const begin = BEGIN.exec(source);
  const label = begin?.[1] ?? '';
  const bodyStart = begin === null ? -1 : begin.index + begin[0].length;
  const bodyEnd = begin === null ? -1 : source.indexOf(`-----END ${label}-----`, bodyStart);
  if (begin === null || bodyEnd < 0) {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: no complete PEM block found`, { details: { input } });
  }
  const body = source.slice(bodyStart, bodyEnd);
  if (!BASE64_BODY.test(body)) {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: PEM body of "${label}" is not base64`, {
      details: { input, label },
    });
  }
  const compact = body.replace(/\s+/g, '');
  if (compact.length === 0 || compact.length % 4 !== 0) {
    throw new BosunError('SIGN_KEY_INVALID', `${input}: PEM body of "${label}" is truncated`, {
      details: { input, label },
    });
  }
  return { label, der: Buffer.from(compact, 'base64') };
}

/** Encodes a PEM block exactly as Go's `pem.EncodeToMemory` does (64-column lines, trailing newline). */
export function encodePem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}
