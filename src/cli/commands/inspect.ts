import type { Command } from 'commander';
import { openImage, resolveImage, summarizeImage, type ImageSummary } from '../../image/index.ts';
import type { CliIo, CommandOutcome } from '../io.ts';
import { addImageOptions, imageOpenOptions, platformOptions, type ImageFlags } from '../image-options.ts';
import { parseFormat } from '../formats.ts';

interface InspectFlags extends ImageFlags {
  format: string;
}

export function registerInspect(program: Command, io: CliIo, _outcome: CommandOutcome): void {
  addImageOptions(
    program
      .command('inspect')
      .description('show an image: digest, platforms, layers and config summary')
      .argument('<image>', 'registry reference, oci:DIR, oci-archive:FILE, docker-archive:FILE or a path')
      .option('-f, --format <format>', 'output format: table or json', 'table'),
  )
    .addHelpText(
      'after',
      `
Examples:
  bosun inspect alpine:3.20
  bosun inspect --platform linux/arm64 registry.example.com/team/app:1.2 --format json
  bosun inspect oci-archive:app.tar`,
    )
    .action(async (image: string, flags: InspectFlags) => {
      const format = parseFormat(flags.format, ['table', 'json'] as const);
      const platform = platformOptions(flags);
      const { source } = await openImage(image, await imageOpenOptions(flags, io, image));
      try {
        const root = await source.root();
        const resolved = await resolveImage(source, platform);
        const summary = summarizeImage(root, resolved);
        io.stdout.write(format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary));
      } finally {
        await source.close();
      }
    });
}

function renderSummary(summary: ImageSummary): string {
  const lines: string[] = [];
  lines.push(`Name:        ${summary.name}`);
  lines.push(`Digest:      ${summary.digest}`);
  lines.push(`MediaType:   ${summary.mediaType}`);
  if (summary.platforms !== undefined) {
    lines.push('Platforms:');
    for (const p of summary.platforms) lines.push(`  ${p.platform.padEnd(20)} ${p.digest}`);
    lines.push(`Image:       ${summary.image.digest} (${summary.image.platform ?? 'unknown platform'})`);
  } else if (summary.image.platform !== undefined) {
    lines.push(`Platform:    ${summary.image.platform}`);
  }
  lines.push(`Config:      ${summary.image.configDigest}`);
  lines.push(`Size:        ${formatBytes(summary.image.size)} (compressed)`);
  const c = summary.config;
  if (c.created !== undefined) lines.push(`Created:     ${c.created}`);
  lines.push(`User:        ${c.user ?? '(root)'}`);
  if (c.entrypoint !== undefined) lines.push(`Entrypoint:  ${JSON.stringify(c.entrypoint)}`);
  if (c.cmd !== undefined) lines.push(`Cmd:         ${JSON.stringify(c.cmd)}`);
  if (c.workingDir !== undefined) lines.push(`WorkingDir:  ${c.workingDir}`);
  if (c.exposedPorts.length > 0) lines.push(`Ports:       ${c.exposedPorts.join(', ')}`);
  lines.push(`Env:         ${c.env.length === 0 ? '(none)' : c.env.join(', ')}`);
  const labels = Object.entries(c.labels).sort(([a], [b]) => a.localeCompare(b));
  if (labels.length > 0) {
    lines.push('Labels:');
    for (const [key, value] of labels) lines.push(`  ${key}=${value}`);
  }
  lines.push(`History:     ${c.historyCount} entries`);
  lines.push(`Layers:      ${summary.image.layers.length}`);
  for (const layer of summary.image.layers) {
    lines.push(`  ${layer.digest}  ${formatBytes(layer.size).padStart(10)}  ${layer.mediaType}`);
  }
  return `${lines.join('\n')}\n`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
