// A small zip writer for tests (APPNOTE 6.3: local headers, central directory, EOCD, optional
// ZIP64 records), with hooks to corrupt fields the way published scanner bypasses do.
import zlib from 'node:zlib';

export interface ZipMemberSpec {
  readonly name: string;
  readonly data: Uint8Array;
  /** 0 stored, 8 deflate, 93 zstd, or any number written as is (data stored raw). */
  readonly method?: number;
  readonly flags?: number;
  readonly crc?: number;
  readonly localName?: string;
  readonly localMethod?: number;
}

export interface ZipSpec {
  readonly members: readonly ZipMemberSpec[];
  readonly prefix?: Uint8Array;
  readonly zip64?: boolean;
}

function compress(method: number, data: Uint8Array): Uint8Array {
  if (method === 8) return zlib.deflateRawSync(data);
  if (method === 93) return zlib.zstdCompressSync(data);
  return data;
}

export function buildZip(spec: ZipSpec): Uint8Array {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  const prefix = Buffer.from(spec.prefix ?? new Uint8Array(0));
  chunks.push(prefix);
  let offset = 0;
  for (const m of spec.members) {
    const method = m.method ?? 0;
    const body = Buffer.from(compress(method, m.data));
    const crc = m.crc ?? zlib.crc32(m.data);
    const name = Buffer.from(m.name);
    const localName = Buffer.from(m.localName ?? m.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(m.flags ?? 0, 6);
    local.writeUInt16LE(m.localMethod ?? method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(m.data.length, 22);
    local.writeUInt16LE(localName.length, 26);
    chunks.push(local, localName, body);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(m.flags ?? 0, 8);
    cd.writeUInt16LE(method, 10);
    cd.writeUInt32LE(crc >>> 0, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(m.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    if (spec.zip64) {
      cd.writeUInt32LE(0xffffffff, 42);
      const extra = Buffer.alloc(12);
      extra.writeUInt16LE(1, 0);
      extra.writeUInt16LE(8, 2);
      extra.writeBigUInt64LE(BigInt(offset), 4);
      cd.writeUInt16LE(12, 30);
      central.push(cd, name, extra);
    } else {
      cd.writeUInt32LE(offset, 42);
      central.push(cd, name);
    }
    offset += 30 + localName.length + body.length;
  }
  const cdBytes = Buffer.concat(central);
  chunks.push(cdBytes);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(spec.members.length, 8);
  eocd.writeUInt16LE(spec.members.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(offset, 16);
  if (spec.zip64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4);
    rec.writeBigUInt64LE(BigInt(spec.members.length), 24);
    rec.writeBigUInt64LE(BigInt(spec.members.length), 32);
    rec.writeBigUInt64LE(BigInt(cdBytes.length), 40);
    rec.writeBigUInt64LE(BigInt(offset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeBigUInt64LE(BigInt(prefix.length + offset + cdBytes.length), 8);
    loc.writeUInt32LE(1, 16);
    eocd.writeUInt16LE(0xffff, 8);
    eocd.writeUInt16LE(0xffff, 10);
    eocd.writeUInt32LE(0xffffffff, 12);
    eocd.writeUInt32LE(0xffffffff, 16);
    chunks.push(rec, loc);
  }
  chunks.push(eocd);
  return Buffer.concat(chunks);
}
