/**
 * Progress on stderr for scans and DB updates: a cli-progress bar, only when stderr is a terminal
 * and `--quiet` is off (pipes and CI logs get no control characters).
 */
import { SingleBar } from 'cli-progress';
import type { ScanProgress } from '../../scan/index.ts';
import type { UpdateProgress } from '../../vulndb/index.ts';
import type { CliIo } from '../io.ts';

export interface ProgressView {
  readonly onScan: (event: ScanProgress) => void;
  readonly onUpdate: (event: UpdateProgress) => void;
  /** Removes the bar; call before writing anything else to stderr. */
  stop(): void;
}

const SILENT: ProgressView = { onScan: () => undefined, onUpdate: () => undefined, stop: () => undefined };

export function progressView(io: CliIo, quiet: boolean): ProgressView {
  if (quiet || io.stderr.isTTY !== true) return SILENT;
  const bar = new SingleBar({
    stream: io.stderr as NodeJS.WritableStream,
    format: '{label} [{bar}] {value}/{total} {detail}',
    barsize: 30,
    clearOnComplete: true,
    hideCursor: true,
    fps: 10,
  });
  let running = false;
  let label = '';
  const show = (newLabel: string, value: number, total: number, detail = ''): void => {
    if (!running || newLabel !== label) {
      if (running) bar.stop();
      bar.start(Math.max(total, 1), value, { label: newLabel, detail });
      running = true;
      label = newLabel;
    } else {
      bar.setTotal(Math.max(total, 1));
      bar.update(value, { detail });
    }
  };
  let layersDone = 0;
  const onUpdate = (event: UpdateProgress): void => {
    switch (event.phase) {
      case 'download':
        show(
          `DB ${event.ecosystem}`,
          Math.round(event.bytes / 1048576),
          Math.round(event.bytes / 1048576) + 1,
          'MiB downloaded',
        );
        break;
      case 'import':
        show(`DB ${event.ecosystem}`, event.records, event.records, 'records imported');
        break;
      case 'changes':
        show(`DB ${event.ecosystem}`, event.done, event.changed, 'changed records');
        break;
    }
  };
  return {
    onUpdate,
    onScan: (event) => {
      switch (event.kind) {
        case 'db-update':
          onUpdate(event.event);
          break;
        case 'inventory': {
          const e = event.event;
          if (e.kind === 'layer-cached' || e.kind === 'layer-done') layersDone++;
          if (e.kind === 'cache-error' || e.kind === 'image-cached') break;
          show('Layers', layersDone, e.total, e.kind === 'layer-start' ? e.digest.slice(0, 19) : '');
          break;
        }
        case 'model':
          show('Models', event.index, event.total, event.path.slice(-40));
          break;
        case 'phase':
          if (event.phase === 'done' && running) {
            bar.stop();
            running = false;
          }
          break;
      }
    },
    stop: () => {
      if (running) bar.stop();
      running = false;
    },
  };
}
