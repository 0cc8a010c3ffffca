/**
 * The built-in policy library (`policies/` at the repository root), configured for one registry
 * and one key the way docs/policies.md tells users to: the example registry becomes the given one,
 * the example public key becomes the given key. Used by `bosun demo` and the end-to-end test.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The library policies an image pipeline needs, in the order the demo explains them. */
export const PIPELINE_POLICIES = [
  'disallow-latest-tag',
  'restrict-image-registries',
  'require-cosign-signature',
  'require-vuln-attestation',
  'refuse-unsafe-models',
] as const;

/** `policies/` beside `src/` (and beside `dist/` in the package). */
export function libraryDir(): string {
  return fileURLToPath(new URL('../../../policies/', import.meta.url));
}

/** `examples/` beside `src/` (and beside `dist/` in the package). */
export function examplesDir(): string {
  return fileURLToPath(new URL('../../../examples/', import.meta.url));
}

const EXAMPLE_KEY =
  /^([ \t]*)-----BEGIN PUBLIC KEY-----\n(?:\1[A-Za-z0-9+/=]+\n)+\1-----END PUBLIC KEY-----$/gm;

/**
 * One library policy with the example registry (`registry.example.com`, its `models/` part
 * included: here every image of the registry must carry a passing model scan) replaced by `host`
 * and the example key by `publicKeyPem`.
 */
export function configurePolicy(text: string, host: string, publicKeyPem: string): string {
  const keyLines = publicKeyPem.trim().split('\n');
  return text
    .replaceAll('registry.example.com/models/*', `${host}/*`)
    .replaceAll('registry.example.com/*', `${host}/*`)
    .replace(EXAMPLE_KEY, (_block, indent: string) => keyLines.map((line) => `${indent}${line}`).join('\n'));
}

/** The pipeline's library policies (ClusterPolicy versions) configured for `host` and the key: file name → YAML. */
export async function configuredLibrary(
  host: string,
  publicKeyPem: string,
  dir = libraryDir(),
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const name of PIPELINE_POLICIES) {
    const text = await readFile(join(dir, name, `${name}.yaml`), 'utf8');
    out.set(`${name}.yaml`, configurePolicy(text, host, publicKeyPem));
  }
  return out;
}
