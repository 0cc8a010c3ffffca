// Scans one item as every format a loader could take it for: magic-byte formats, compressed
// wrappers, a zip found from its end record (prepended data allowed), and always a pickle
// probe from byte 0, because pickle.load / torch.load read any bytes as opcodes.
import { scanPickleStream } from '../pickle/stream.ts';
import { readZipDirectory, ZipFormatError } from '../zip/read.ts';
import { scanZip } from '../zip/scan-zip.ts';
import { scanNumpy } from '../formats/numpy.ts';
import { scanSafetensors } from '../formats/safetensors.ts';
import { scanJsonConfig } from '../formats/json-config.ts';
import { scanGguf } from '../formats/gguf.ts';
import { scanHdf5, isHdf5 } from '../formats/hdf5.ts';
import { scanOnnx, looksLikeOnnx } from '../formats/onnx.ts';
import { scanTar } from '../formats/tar.ts';
import type { ModelFormat } from '../types.ts';
import { decompress, type Codec } from './compress.ts';
import { child, emit, type ItemHints, type Location, type ScanContext } from './context.ts';
import { bufferSource, type ByteSource } from './source.ts';

const HEAD = 64 * 1024;

type Wrapper = { readonly format: ModelFormat; readonly codec?: Codec };

function wrapperOf(h: Uint8Array): Wrapper | undefined {
  const b = (i: number): number => h[i] ?? -1;
  if (b(0) === 0x1f && b(1) === 0x8b) return { format: 'gzip', codec: 'gzip' };
  if (b(0) === 0x42 && b(1) === 0x5a && b(2) === 0x68 && b(3) >= 0x31 && b(3) <= 0x39)
    return { format: 'bzip2', codec: 'bzip2' };
  if (b(0) === 0xfd && b(1) === 0x37 && b(2) === 0x7a && b(3) === 0x58 && b(4) === 0x5a && b(5) === 0)
    return { format: 'xz', codec: 'xz' };
  if (b(0) === 0x28 && b(1) === 0xb5 && b(2) === 0x2f && b(3) === 0xfd)
    return { format: 'zstd', codec: 'zstd' };
  // zlib header: CMF 0x78 and a valid FCHECK (joblib's zlib compressor writes these).
  if (b(0) === 0x78 && ((b(0) << 8) | b(1)) % 31 === 0) return { format: 'zlib', codec: 'zlib' };
  if (b(0) === 0x37 && b(1) === 0x7a && b(2) === 0xbc && b(3) === 0xaf && b(4) === 0x27 && b(5) === 0x1c)
    return { format: '7z' };
  if (b(0) === 0x04 && b(1) === 0x22 && b(2) === 0x4d && b(3) === 0x18) return { format: 'lz4' };
  // LZMA "alone" (joblib's lzma compressor): properties byte 0x5d, a 2^n or 3·2^n dictionary
  // size, then the uncompressed size (all ones when unknown).
  if (b(0) === 0x5d && h.length >= 13) {
    const dict = (b(1) | (b(2) << 8) | (b(3) << 16) | (b(4) << 24)) >>> 0;
    const pow2 = (n: number): boolean => n > 0 && (n & (n - 1)) === 0;
    const unknownSize = [5, 6, 7, 8, 9, 10, 11, 12].every((i) => b(i) === 0xff);
    if (
      dict >= 4096 &&
      (pow2(dict) || (dict % 3 === 0 && pow2(dict / 3))) &&
      (unknownSize || (b(11) === 0 && b(12) === 0))
    ) {
      return { format: 'lzma' };
    }
  }
  return undefined;
}

export function createItemScanner(
  ctx: ScanContext,
): (loc: Location, source: ByteSource, hints?: ItemHints) => Promise<boolean> {
  const scanItem = async (loc: Location, source: ByteSource, hints: ItemHints = {}): Promise<boolean> => {
    ctx.signal?.throwIfAborted();
    if (loc.depth > ctx.limits.maxDepth) {
      emit(ctx, loc, {
        format: 'pickle',
        offset: 0,
        kind: 'limit-exceeded',
        severity: 'HIGH',
        message: `nesting deeper than ${ctx.limits.maxDepth} containers is not scanned`,
      });
      return true;
    }
    const head = await source.read(0, Math.min(source.size, HEAD));
    const scanNested = async (nestedLoc: Location, bytes: Uint8Array): Promise<void> => {
      const matched = await scanItem(nestedLoc, bufferSource(bytes), { pickle: true });
      if (!matched) {
        emit(ctx, nestedLoc, {
          format: 'pickle',
          offset: 0,
          kind: 'unscannable',
          severity: 'HIGH',
          message: 'bytes passed to a nested loader are in no format the scanner knows',
        });
      }
    };
    let matched = false;
    let strongMagic = false;

    const wrapper = wrapperOf(head);
    if (wrapper) {
      strongMagic = true;
      matched = true;
      ctx.formats.add(wrapper.format);
      if (wrapper.codec === undefined) {
        emit(ctx, loc, {
          format: wrapper.format,
          offset: 0,
          kind: 'unscannable',
          severity: 'HIGH',
          message: `${wrapper.format} content cannot be opened by the scanner; it is not known to be safe`,
        });
      } else {
        const budget = ctx.limits.maxDecompressedBytes - ctx.decompressed;
        const input = source.size > budget ? undefined : await source.read(0, source.size);
        const decoded = input ? await decompress(wrapper.codec, input, budget) : undefined;
        if (!decoded || decoded.problem) {
          emit(ctx, loc, {
            format: wrapper.format,
            offset: 0,
            kind: !decoded || decoded.problem?.kind === 'limit' ? 'limit-exceeded' : 'unscannable',
            severity: 'HIGH',
            message: decoded?.problem
              ? `${wrapper.format} stream cannot be fully decoded (${decoded.problem.message}); the ${decoded.data.length} bytes decoded are scanned`
              : `${wrapper.format} stream larger than the remaining decompression budget`,
          });
        }
        if (decoded) {
          ctx.decompressed += decoded.data.length;
          // At the top of a file, content in no known format is skipped like an uncompressed
          // file (pickle.load rejects it before running anything): probe rather than assume.
          const probeOnly = loc.depth === 0 && ctx.unknownFormats === 'skip';
          const inner = await scanItem(child(loc, wrapper.format), bufferSource(decoded.data), {
            pickle: !probeOnly,
          });
          if (!inner && !decoded.problem && probeOnly) {
            ctx.unknownContent = `${wrapper.format} stream of content in no recognised model format`;
          } else if (!inner && !decoded.problem) {
            emit(ctx, loc, {
              format: wrapper.format,
              offset: 0,
              kind: 'unscannable',
              severity: 'HIGH',
              message: `decompressed ${wrapper.format} content is in no format the scanner knows`,
            });
          }
        }
      }
    }

    if (!wrapper) {
      if (head[0] === 0x93 && head[1] === 0x4e && head[2] === 0x55) {
        strongMagic = true;
        matched = (await scanNumpy(ctx, loc, source, head, scanItem)) || matched;
      }
      if (head[0] === 0x47 && head[1] === 0x47 && head[2] === 0x55 && head[3] === 0x46) {
        strongMagic = true;
        matched = true;
        await scanGguf(ctx, loc, source);
      }
      if (await isHdf5(source, head)) {
        strongMagic = true;
        matched = true;
        await scanHdf5(ctx, loc, source);
      }
      if (await scanSafetensors(ctx, loc, source, head)) {
        strongMagic = true;
        matched = true;
      }
      if (
        head[257] === 0x75 &&
        head[258] === 0x73 &&
        head[259] === 0x74 &&
        head[260] === 0x61 &&
        head[261] === 0x72
      ) {
        strongMagic = true;
        matched = true;
        await scanTar(ctx, loc, source, scanItem);
      }
    }

    // A pickle probe from byte 0: what pickle.load would run on these bytes.
    const mode = hints.pickle && !wrapper ? 'strong' : 'probe';
    const zipAtStart = head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
    const polyglot = strongMagic || zipAtStart || hints.storage === true;
    const pickle = await scanPickleStream(ctx, loc, source, mode, scanNested, head, polyglot);
    matched = pickle.isPickle || matched;

    if (!wrapper) {
      let dir;
      try {
        dir = await readZipDirectory(source, ctx.limits.maxZipEntries);
      } catch (error) {
        if (!(error instanceof ZipFormatError)) throw error;
        emit(ctx, loc, {
          format: 'zip',
          offset: 0,
          kind: 'unscannable',
          severity: 'HIGH',
          message: `zip structure cannot be read: ${error.message}`,
        });
        matched = true;
      }
      if (dir) {
        matched = true;
        await scanZip(ctx, loc, source, dir, scanItem);
      } else if (zipAtStart) {
        matched = true;
        emit(ctx, loc, {
          format: 'zip',
          offset: 0,
          kind: 'unscannable',
          severity: 'HIGH',
          message: 'starts like a zip but has no end of central directory record',
        });
      }
      if (!matched && looksLikeOnnx(head)) matched = await scanOnnx(ctx, loc, source);
      if (!matched && (head[0] === 0x7b || head[0] === 0x5b || head[0] === 0xef))
        matched = await scanJsonConfig(ctx, loc, source);
    }
    return matched;
  };
  return scanItem;
}
