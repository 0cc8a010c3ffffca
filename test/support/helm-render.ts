/**
 * Renders the Helm chart without helm (not packaged in Debian, and its downloads are out of reach
 * here): test/support/helm-render/main.go is Helm's template engine (Go text/template + sprig,
 * with Helm's include/tpl/required/toYaml), built offline in GOPATH mode from Debian's Go sources
 * (golang-github-masterminds-sprig-dev, golang-gopkg-yaml.v3-dev). Real `helm template` is used
 * instead when helm is on PATH. The binary is cached in `.cache/fixtures/helm-render/`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/helm-render/', import.meta.url));
const SOURCE = fileURLToPath(new URL('./helm-render/', import.meta.url));
const GOPATH = '/usr/share/gocode';
const SPRIG = `${GOPATH}/src/github.com/Masterminds/sprig`;
const YAML_V3 = `${GOPATH}/src/gopkg.in/yaml.v3`;

function has(cmd: string, args: string[]): boolean {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function helmAvailable(): boolean {
  return has('helm', ['version', '--short']);
}

/** Go and the Debian sources the renderer is built from are installed. */
export function helmRenderAvailable(): boolean {
  return has('go', ['version']) && existsSync(SPRIG) && existsSync(YAML_V3);
}

/**
 * GOPATH mode does not map `.../v3` import paths to Debian's unversioned source directories: a
 * shim GOPATH entry links sprig/v3 and semver/v3 to them, the rest resolves from /usr/share/gocode.
 */
function shimGopath(): string {
  const shim = `${ROOT}shim/`;
  for (const name of ['sprig', 'semver']) {
    const link = `${shim}src/github.com/Masterminds/${name}/v3`;
    if (existsSync(link)) continue;
    mkdirSync(`${shim}src/github.com/Masterminds/${name}`, { recursive: true });
    symlinkSync(`${GOPATH}/src/github.com/Masterminds/${name}`, link);
  }
  return shim;
}

function renderer(): string {
  const binary = `${ROOT}helm-render`;
  if (existsSync(binary)) return binary;
  mkdirSync(ROOT, { recursive: true });
  execFileSync('go', ['build', '-o', binary, '.'], {
    cwd: SOURCE,
    env: {
      ...process.env,
      GO111MODULE: 'off',
      GOPATH: `${shimGopath()}:${GOPATH}`,
      GOPROXY: 'off',
      GOCACHE: `${ROOT}gocache`,
      CGO_ENABLED: '0',
    },
    stdio: 'pipe',
    timeout: 300_000,
  });
  return binary;
}

/** `helm template <chart> --namespace <ns> [--set|--set-string k=v]...` output. */
export function renderChart(chart: string, namespace: string, sets: readonly string[]): string {
  if (helmAvailable())
    return execFileSync('helm', ['template', 'bosun', chart, '--namespace', namespace, ...sets], {
      encoding: 'utf8',
    });
  return execFileSync(renderer(), [chart, namespace, ...sets], { encoding: 'utf8' });
}
