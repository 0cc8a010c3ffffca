// The quick start's main job (`source scripts/setup.sh` runs it after the build): the built CLI's
// `bosun demo`, which runs the whole pipeline offline on example images. Extra arguments are passed
// on (`node scripts/demo.ts --dir ./bosun-demo --timings`). Exits with the demo's exit code.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = fileURLToPath(new URL('../bin/bosun.js', import.meta.url));
if (!existsSync(fileURLToPath(new URL('../dist/cli/main.js', import.meta.url)))) {
  process.stderr.write('demo: dist/ is missing; run `npm run build` (or `npm ci`) first\n');
  process.exit(2);
}
const result = spawnSync(process.execPath, [bin, 'demo', '--timings', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 70);
