// Child process of bench/image-pull.ts: one measurement per process, so peak RSS is its own.
//   pull <ref>        Bosun: resolve, then stream + verify (digest and diff-id) + walk every layer
//   gunzip <files…>   the floor: bare streaming gunzip of the same blobs into a null sink
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { openImage, resolveImage, walkLayer, hostPlatform } from '../src/image/index.ts';

const [mode, ...args] = process.argv.slice(2);
const started = performance.now();
let entries = 0;

if (mode === 'pull') {
  const { source } = await openImage(args[0]!, { registry: { insecure: true } });
  const image = await resolveImage(source, { defaultPlatform: hostPlatform(process.arch) });
  for (const layer of image.layers) {
    const stream = await source.blobStream(layer.descriptor);
    const result = await walkLayer(stream, {
      name: layer.descriptor.digest,
      ...(layer.diffId === undefined ? {} : { diffId: layer.diffId }),
      wants: () => false,
    });
    entries += result.entries;
  }
  await source.close();
} else if (mode === 'gunzip') {
  for (const file of args) {
    await pipeline(
      createReadStream(file, { highWaterMark: 1 << 20 }),
      createGunzip(),
      new Writable({ write: (_chunk, _enc, done) => done() }),
    );
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}

const ms = Math.round(performance.now() - started);
process.stdout.write(
  JSON.stringify({ ms, maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), entries }),
);
