/**
 * A real Go executable built offline with Debian's golang-go and the module sources Debian ships
 * (golang-github-google-uuid-dev in /usr/share/gocode): the module is copied into the project,
 * replaced by directory, vendored, and built for three targets (ELF64 LE, ELF32 LE, ELF64 BE).
 * Cached in `.cache/fixtures/go/`; `go version -m` output is saved next to each binary.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type GoTarget = 'amd64' | '386' | 's390x';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/go/', import.meta.url));
const UUID_SRC = '/usr/share/gocode/src/github.com/google/uuid';

export function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'pipe' });
    return existsSync(UUID_SRC);
  } catch {
    return false;
  }
}

/** Paths of the binary for `target` and of its `go version -m` text. */
export function goFixture(target: GoTarget): { binary: string; versionM: string } {
  const project = `${ROOT}project/`;
  const binary = `${ROOT}app-${target}`;
  const versionM = `${binary}.version-m.txt`;
  if (existsSync(versionM)) return { binary, versionM };
  const env = {
    ...process.env,
    GOPROXY: 'off',
    GOFLAGS: '-mod=vendor',
    GOCACHE: `${ROOT}gocache`,
    GOPATH: `${ROOT}gopath`,
    GOARCH: target,
    GOOS: 'linux',
    CGO_ENABLED: '0',
  };
  if (!existsSync(`${project}vendor/modules.txt`)) {
    rmSync(project, { recursive: true, force: true });
    mkdirSync(`${project}third_party`, { recursive: true });
    cpSync(UUID_SRC, `${project}third_party/uuid`, { recursive: true });
    writeFileSync(
      `${project}go.mod`,
      'module example.com/fixture\n\ngo 1.19\n\nrequire github.com/google/uuid v1.3.0\n\nreplace github.com/google/uuid => ./third_party/uuid\n',
    );
    writeFileSync(
      `${project}main.go`,
      'package main\n\nimport (\n\t"fmt"\n\n\t"github.com/google/uuid"\n)\n\nfunc main() { fmt.Println(uuid.NewSHA1(uuid.NameSpaceDNS, []byte("bosun"))) }\n',
    );
    execFileSync('go', ['mod', 'vendor'], {
      cwd: project,
      env: { ...env, GOFLAGS: '-mod=mod' },
      stdio: 'pipe',
    });
  }
  execFileSync('go', ['build', '-o', binary, '.'], { cwd: project, env, stdio: 'pipe', timeout: 300_000 });
  writeFileSync(versionM, execFileSync('go', ['version', '-m', binary], { encoding: 'utf8' }));
  return { binary, versionM };
}
