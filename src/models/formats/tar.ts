// ustar/pax/GNU tar (POSIX.1-2001): the legacy torch.save tar layout ('pickle', 'storages',
// 'tensors' members) and model bundles. Each regular member is scanned as an item.
import { child, emit, type ItemScanner, type Location, type ScanContext } from '../scan/context.ts';
import { sliceSource } from '../scan/slice.ts';
import type { ByteSource } from '../scan/source.ts';

const latin1 = new TextDecoder('latin1');

function field(block: Uint8Array, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const nul = raw.indexOf(0);
  return latin1.decode(nul < 0 ? raw : raw.subarray(0, nul));
}

export async function scanTar(
  ctx: ScanContext,
  loc: Location,
  source: ByteSource,
  scanItem: ItemScanner,
): Promise<void> {
  ctx.formats.add('tar');
  let pos = 0;
  let longName: string | undefined;
  let members = 0;
  while (pos + 512 <= source.size) {
    const block = await source.read(pos, 512);
    if (block.every((b) => b === 0)) break;
    const sizeText = field(block, 124, 12).trim();
    const size = /^[0-7]*$/.test(sizeText) ? parseInt(sizeText || '0', 8) : NaN;
    if (!Number.isFinite(size) || pos + 512 + size > source.size) {
      emit(ctx, loc, {
        format: 'tar',
        offset: pos,
        kind: 'unscannable',
        severity: 'HIGH',
        message: 'tar header is corrupt or the member is truncated',
      });
      return;
    }
    const type = String.fromCharCode(block[156] ?? 0);
    const prefix = field(block, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    longName = undefined;
    if (type === 'L') longName = field(await source.read(pos + 512, size), 0, size);
    else if ((type === '0' || type === '\0' || type === '7') && size > 0) {
      if (++members > ctx.limits.maxZipEntries) {
        emit(ctx, loc, {
          format: 'tar',
          offset: pos,
          kind: 'limit-exceeded',
          severity: 'HIGH',
          message: 'too many tar members',
        });
        return;
      }
      await scanItem(child(loc, name), sliceSource(source, pos + 512, size));
    }
    pos += 512 + Math.ceil(size / 512) * 512;
  }
}
