// Calls `onChange` (debounced) when files or directories change: fs.watch on each directory
// (which sees the kubelet's `..data` symlink swap as a rename) plus a periodic poll, because
// fs.watch can miss events on some filesystems and on replaced symlink targets.
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { statSync } from 'node:fs';

export interface WatchOptions {
  readonly debounceMs?: number;
  /** Poll interval; 0 disables polling (default 5 s). */
  readonly pollMs?: number;
}

export interface Watcher {
  close(): void;
}

function watchedDir(path: string): string {
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

export function watchPaths(
  paths: readonly string[],
  onChange: () => void,
  options: WatchOptions = {},
): Watcher {
  const debounce = options.debounceMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  const fire = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      onChange();
    }, debounce);
    timer.unref();
  };
  const watchers: FSWatcher[] = [];
  for (const dir of new Set(paths.map(watchedDir))) {
    try {
      const w = watch(dir, { persistent: false }, fire);
      w.on('error', () => undefined);
      watchers.push(w);
    } catch {
      // A directory that cannot be watched is still polled.
    }
  }
  const poll = options.pollMs ?? 5000;
  const interval = poll > 0 ? setInterval(onChange, poll) : undefined;
  interval?.unref();
  return {
    close(): void {
      if (timer !== undefined) clearTimeout(timer);
      if (interval !== undefined) clearInterval(interval);
      for (const w of watchers) w.close();
    },
  };
}
