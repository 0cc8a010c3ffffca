// Bounded decompression of the wrappers pickles travel in (gzip, zlib, bzip2, xz, zstd, and
// the zip methods). Output is capped; on corruption the bytes decoded so far are still returned
// so that a payload in front of a broken stream is scanned.
import { createRequire } from 'node:module';
import zlib from 'node:zlib';

export type Codec = 'gzip' | 'zlib' | 'deflate-raw' | 'bzip2' | 'xz' | 'zstd';

export interface Decoded {
  readonly data: Uint8Array;
  /** Why decoding stopped early, when it did. */
  readonly problem?: { readonly kind: 'limit' | 'corrupt'; readonly message: string };
}

const require = createRequire(import.meta.url);

interface BunzipModule {
  decode(input: Uint8Array, output: { writeByte(b: number): void }, multistream: boolean): void;
}

function decodeBzip2(input: Uint8Array, max: number): Decoded {
  const bunzip = require('seek-bzip') as BunzipModule;
  let out = new Uint8Array(Math.min(max, Math.max(1024, input.length * 4)));
  let pos = 0;
  const limit = new Error('limit');
  const sink = {
    writeByte(b: number): void {
      if (pos >= max) throw limit;
      if (pos >= out.length) {
        const next = new Uint8Array(Math.min(max, out.length * 2));
        next.set(out);
        out = next;
      }
      out[pos++] = b;
    },
  };
  try {
    bunzip.decode(Buffer.from(input.buffer, input.byteOffset, input.byteLength), sink, true);
    return { data: out.subarray(0, pos) };
  } catch (error) {
    const kind = error === limit ? 'limit' : 'corrupt';
    return {
      data: out.subarray(0, pos),
      problem: { kind, message: kind === 'limit' ? `output exceeds ${max} bytes` : String(error) },
    };
  }
}

async function decodeXz(input: Uint8Array, max: number): Promise<Decoded> {
  const { XzReadableStream } = require('xz-decompress') as {
    XzReadableStream: new (s: ReadableStream<Uint8Array>) => ReadableStream<Uint8Array>;
  };
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = new XzReadableStream(
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(input);
        controller.close();
      },
    }),
  ).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        chunks.push(value.subarray(0, value.length - (total - max)));
        await reader.cancel();
        return {
          data: Buffer.concat(chunks),
          problem: { kind: 'limit', message: `output exceeds ${max} bytes` },
        };
      }
      chunks.push(value);
    }
    return { data: Buffer.concat(chunks) };
  } catch (error) {
    return { data: Buffer.concat(chunks), problem: { kind: 'corrupt', message: String(error) } };
  }
}

function decodeZlib(
  codec: 'gzip' | 'zlib' | 'deflate-raw' | 'zstd',
  input: Uint8Array,
  max: number,
): Decoded {
  const run = (opts: zlib.ZlibOptions): Buffer => {
    switch (codec) {
      case 'gzip':
        return zlib.gunzipSync(input, opts);
      case 'zlib':
        return zlib.inflateSync(input, opts);
      case 'deflate-raw':
        return zlib.inflateRawSync(input, opts);
      case 'zstd':
        return zlib.zstdDecompressSync(input, { maxOutputLength: opts.maxOutputLength ?? max });
      default: {
        const never: never = codec;
        return never;
      }
    }
  };
  try {
    return { data: run({ maxOutputLength: max }) };
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (
      code === 'ERR_BUFFER_TOO_LARGE' ||
      (error instanceof RangeError && /maxOutputLength|too large/i.test(error.message))
    ) {
      return { data: new Uint8Array(0), problem: { kind: 'limit', message: `output exceeds ${max} bytes` } };
    }
    // Recover what precedes the corruption or truncation (not for zstd: no partial API).
    let partial: Uint8Array = new Uint8Array(0);
    if (codec !== 'zstd') {
      try {
        partial = run({ maxOutputLength: max, finishFlush: zlib.constants.Z_SYNC_FLUSH });
      } catch {
        partial = new Uint8Array(0);
      }
    }
    return {
      data: partial,
      problem: { kind: 'corrupt', message: error instanceof Error ? error.message : String(error) },
    };
  }
}

export async function decompress(codec: Codec, input: Uint8Array, max: number): Promise<Decoded> {
  switch (codec) {
    case 'bzip2':
      return decodeBzip2(input, max);
    case 'xz':
      return decodeXz(input, max);
    default:
      return decodeZlib(codec, input, max);
  }
}
