import type { Readable } from 'node:stream';
import { limitError } from '../../util/errors.ts';

/**
 * Reads a stream whole, failing with LAYER_LIMIT ('entry size') as soon as more than `max` bytes
 * arrive; the stream is destroyed then, so a walker drains the rest of the entry.
 */
export async function readBounded(body: Readable, max: number, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > max) {
      body.destroy();
      throw limitError('LAYER_LIMIT', name, 'entry size', total, max);
    }
    chunks.push(chunk);
  }
  return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, total);
}
