/**
 * A real ELF linked by rustc whose `.dep-v0` section carries the given cargo-auditable JSON
 * (zlib-compressed, as cargo auditable writes it). The payload is ours: `cargo auditable` itself
 * is not installed and crates.io is unreachable, but the section placement is the real linker's.
 * Cached in `.cache/fixtures/rust/<hash>/`.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('../../.cache/fixtures/rust/', import.meta.url));

export function rustcAvailable(): boolean {
  try {
    execFileSync('rustc', ['--version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const MAIN_RS = `#[used]
#[link_section = ".dep-v0"]
static AUDITABLE_VERSION_INFO: [u8; include_bytes!("deps.z").len()] = *include_bytes!("deps.z");
fn main() { println!("bosun"); }
`;

/** Path of a rustc-built executable embedding `deps` as cargo-auditable data. */
export function rustAuditableBinary(deps: unknown): string {
  const json = JSON.stringify(deps);
  const dir = `${ROOT}${createHash('sha256').update(json).digest('hex').slice(0, 16)}/`;
  const binary = `${dir}app`;
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}deps.z`, deflateSync(json));
  writeFileSync(`${dir}main.rs`, MAIN_RS);
  execFileSync('rustc', ['-O', 'main.rs', '-o', 'app'], { cwd: dir, stdio: 'pipe', timeout: 300_000 });
  return binary;
}
