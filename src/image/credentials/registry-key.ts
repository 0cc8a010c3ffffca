/**
 * Matching registry hosts against the keys of docker `config.json` `auths`/`credHelpers` and of
 * Kubernetes pull secrets. Keys may be bare hosts (`ghcr.io`, `localhost:5000`), URLs with a scheme
 * and path (`https://index.docker.io/v1/`, `http://myreg:5000/v2/`), and in Kubernetes secrets
 * host globs (`*.example.com`).
 */

/** The key `docker login` uses for Docker Hub, and the server URL credential helpers are asked about. */
export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';

// Every host name that means Docker Hub in references, logins and kubelet keyrings.
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** Lowercases a registry host (DNS is case-insensitive) and folds Docker Hub aliases into `docker.io`. */
export function normalizeRegistryHost(registry: string): string {
  const host = registry.toLowerCase();
  return DOCKER_HUB_HOSTS.has(host) ? 'docker.io' : host;
}

/** What a credential helper is asked for: Docker Hub's legacy URL, or the registry host as written. */
export function credentialServerUrl(registry: string): string {
  return normalizeRegistryHost(registry) === 'docker.io' ? DOCKER_HUB_AUTH_KEY : registry;
}

interface ParsedKey {
  /** Normalised `host[:port]`. */
  readonly host: string;
  /** Path after the host, with Docker's `/v1/`, `/v2/` API prefixes and slashes trimmed. */
  readonly path: string;
}

/** Parses a key like Docker's ConvertToHostname: strip `http(s)://`, host is what precedes the first `/`. */
export function parseRegistryKey(key: string): ParsedKey {
  let rest = key.trim();
  const scheme = /^https?:\/\//i.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  const host = slash === -1 ? rest : rest.slice(0, slash);
  let path = slash === -1 ? '' : rest.slice(slash);
  // kubelet treats /v1/ and /v2/ as the bare host (ResolveAuthConfig does the same in Docker).
  path = path.replace(/^\/v[12](?=\/|$)/, '').replace(/^\/+|\/+$/g, '');
  return { host: normalizeRegistryHost(host), path };
}

export interface KeyMatchOptions {
  /** Allow kubelet-style host globs (`*` and `?` within one DNS label). Docker config does not. */
  readonly wildcards?: boolean;
}

/**
 * How well `key` names `registry`: 0 no match; 4 the exact key `docker login` writes; 3 the same
 * host; 2 the same host with a repository path (the path cannot be checked here: providers are
 * asked per registry); 1 a wildcard match.
 */
export function matchRegistryKey(key: string, registry: string, options: KeyMatchOptions = {}): number {
  const target = normalizeRegistryHost(registry);
  if (key === credentialServerUrl(registry)) return 4;
  const parsed = parseRegistryKey(key);
  if (parsed.host === target) return parsed.path === '' ? 3 : 2;
  if (options.wildcards === true && /[*?]/.test(parsed.host) && hostGlobMatches(parsed.host, target))
    return 1;
  return 0;
}

/** The best-matching entry for `registry`; on ties the first in input order wins (deterministic). */
export function findRegistryEntry<T extends { readonly key: string }>(
  entries: readonly T[],
  registry: string,
  options: KeyMatchOptions = {},
): T | undefined {
  let best: T | undefined;
  let bestScore = 0;
  for (const entry of entries) {
    const score = matchRegistryKey(entry.key, registry, options);
    if (score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}

function splitHostPort(hostPort: string): { host: string; port: string } {
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    const rest = close === -1 ? '' : hostPort.slice(close + 1);
    return { host: hostPort.slice(0, close + 1), port: rest.startsWith(':') ? rest.slice(1) : '' };
  }
  const colon = hostPort.lastIndexOf(':');
  return colon === -1
    ? { host: hostPort, port: '' }
    : { host: hostPort.slice(0, colon), port: hostPort.slice(colon + 1) };
}

// kubelet URLsMatch: ports must be equal, label counts equal, each label matched with a glob.
function hostGlobMatches(glob: string, target: string): boolean {
  const g = splitHostPort(glob);
  const t = splitHostPort(target);
  if (g.port !== t.port) return false;
  const globLabels = g.host.split('.');
  const targetLabels = t.host.split('.');
  if (globLabels.length !== targetLabels.length) return false;
  return globLabels.every((label, index) => labelGlob(label).test(targetLabels[index] ?? ''));
}

function labelGlob(label: string): RegExp {
  const source = label
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[^.]*')
    .replace(/\?/g, '[^.]');
  return new RegExp(`^${source}$`);
}
