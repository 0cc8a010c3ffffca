import { isIPv6 } from 'node:net';
import { parseDigest } from '../util/digest.ts';
import { BosunError, limitError } from '../util/errors.ts';
import type { ImageReference, ReferencePinning } from './reference-types.ts';

/** Longest reference string accepted: registry (≤255) + repository (≤255) + tag (≤129) + sha512 digest (136), with room. */
export const MAX_REFERENCE_LENGTH = 1024;
/** distribution/reference RepositoryNameTotalLengthMax: applies to the repository path (after `library/` is added). */
export const MAX_REPOSITORY_LENGTH = 255;
/** A DNS name is at most 253 characters; with `:port` and brackets 255 is a generous bound. */
export const MAX_REGISTRY_LENGTH = 255;

export const DOCKER_HUB_REGISTRY = 'docker.io';
const LEGACY_DOCKER_HUB_REGISTRY = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';
const DEFAULT_TAG = 'latest';

// Grammar from distribution/reference regexp.go: path components are lowercase alphanumerics joined
// by one `.`, one `_`, `__`, or a run of `-`; tags are `[\w][\w.-]{0,127}`.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DOMAIN_NAME =
  /^(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])(?:\.(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]))*$/;
// Docker excludes zone identifiers and dotted IPv4-mapped forms: hex digits and colons only.
const IPV6_CHARS = /^[0-9A-Fa-f:]+$/;
const PORT = /^[0-9]{1,5}$/;
const IDENTIFIER = /^[a-f0-9]{64}$/;

function invalid(input: string, what: string, cause?: unknown): BosunError {
  const shown = input.length > 200 ? `${input.slice(0, 200)}…` : input;
  return new BosunError('REFERENCE_INVALID', `invalid image reference ${JSON.stringify(shown)}: ${what}`, {
    cause,
    details: { input: shown },
  });
}

/**
 * Parses an image reference with the Docker grammar and normalises it like `docker pull` does:
 * `alpine` → `docker.io/library/alpine:latest` (tag implied), `index.docker.io/x` → `docker.io/library/x`.
 * Throws BosunError `REFERENCE_INVALID` saying what is wrong.
 */
export function parseReference(input: string): ImageReference {
  if (typeof input !== 'string') throw invalid(String(input), 'not a string');
  if (input.length > MAX_REFERENCE_LENGTH) {
    throw limitError('REFERENCE_INVALID', 'image reference', 'length', input.length, MAX_REFERENCE_LENGTH);
  }
  if (input === '') throw invalid(input, 'reference is empty');
  // ParseNormalizedNamed refuses bare image IDs, which would otherwise read as a repository name.
  if (IDENTIFIER.test(input)) throw invalid(input, 'a 64-character hex image ID is not a repository name');

  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (digest.includes('@')) throw invalid(input, "more than one '@'");
    try {
      parseDigest(digest, 'image reference');
    } catch (error) {
      throw invalid(input, 'invalid digest (expected sha256:<64 hex> or sha512:<128 hex>, lowercase)', error);
    }
  }

  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(input, 'invalid tag (expected [A-Za-z0-9_][A-Za-z0-9_.-]{0,127})');
  }
  if (rest === '') throw invalid(input, 'repository name is empty');

  const { registry, repository } = splitRegistry(rest, input);
  validateRepository(repository, input);
  return {
    registry,
    repository,
    tag: tag ?? (digest === undefined ? DEFAULT_TAG : undefined),
    digest,
    tagImplied: tag === undefined && digest === undefined,
    original: input,
  };
}

/** Splits `name` into registry and repository following distribution/reference splitDockerDomain. */
function splitRegistry(name: string, input: string): { registry: string; repository: string } {
  const slash = name.indexOf('/');
  // A single component is always a Docker Hub official image, even `localhost` or `example.com`.
  if (slash === -1) return { registry: DOCKER_HUB_REGISTRY, repository: OFFICIAL_PREFIX + name };
  const first = name.slice(0, slash);
  const remainder = name.slice(slash + 1);
  const isRegistry =
    first === 'localhost' ||
    first.includes('.') ||
    first.includes(':') ||
    // Namespaces are lowercase, so an uppercase first component can only be a host.
    first.toLowerCase() !== first;
  if (!isRegistry) return { registry: DOCKER_HUB_REGISTRY, repository: name };
  validateRegistry(first, input);
  const registry = first === LEGACY_DOCKER_HUB_REGISTRY ? DOCKER_HUB_REGISTRY : first;
  const repository =
    registry === DOCKER_HUB_REGISTRY && !remainder.includes('/') ? OFFICIAL_PREFIX + remainder : remainder;
  return { registry, repository };
}

function validateRegistry(registry: string, input: string): void {
  if (registry.length > MAX_REGISTRY_LENGTH) {
    throw invalid(input, `registry host longer than ${MAX_REGISTRY_LENGTH} characters`);
  }
  let host = registry;
  let port: string | undefined;
  if (registry.startsWith('[')) {
    const close = registry.indexOf(']');
    if (close === -1) throw invalid(input, 'unterminated IPv6 literal in registry host');
    host = registry.slice(0, close + 1);
    const after = registry.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':'))
        throw invalid(input, 'unexpected characters after IPv6 literal in registry host');
      port = after.slice(1);
    }
    const address = host.slice(1, -1);
    if (!IPV6_CHARS.test(address) || !isIPv6(address))
      throw invalid(input, 'invalid IPv6 address in registry host');
  } else {
    const colon = registry.indexOf(':');
    if (colon !== -1) {
      host = registry.slice(0, colon);
      port = registry.slice(colon + 1);
    }
    if (!DOMAIN_NAME.test(host)) throw invalid(input, 'invalid registry host name');
  }
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) {
    throw invalid(input, 'invalid registry port (expected 0-65535)');
  }
}

function validateRepository(repository: string, input: string): void {
  if (repository.toLowerCase() !== repository) throw invalid(input, 'repository must be lowercase');
  for (const component of repository.split('/')) {
    if (component === '') throw invalid(input, 'empty repository path component');
    if (!PATH_COMPONENT.test(component)) {
      throw invalid(
        input,
        `invalid repository path component ${JSON.stringify(component.slice(0, 80))} (lowercase letters and digits, separated by '.', '_', '__' or '-')`,
      );
    }
  }
  if (repository.length > MAX_REPOSITORY_LENGTH) {
    throw invalid(input, `repository name longer than ${MAX_REPOSITORY_LENGTH} characters`);
  }
}

export interface FormatReferenceOptions {
  /** Write the tag (default true). An implied `latest` is written only with `impliedTag`. */
  readonly tag?: boolean;
  /** Write an implied `latest` tag too (default false, like Docker's canonical string). */
  readonly impliedTag?: boolean;
  /** Write the digest (default true). */
  readonly digest?: boolean;
  /** Use the familiar name (`alpine` instead of `docker.io/library/alpine`). Default false. */
  readonly familiar?: boolean;
}

/**
 * Formats a reference: `docker.io/library/alpine:3.20@sha256:...` by default. The result parses
 * back to the same registry, repository, tag and digest.
 */
export function formatReference(ref: ImageReference, options: FormatReferenceOptions = {}): string {
  let out = options.familiar === true ? familiarName(ref) : repositoryName(ref);
  const writeTag = options.tag !== false && (!ref.tagImplied || options.impliedTag === true);
  if (writeTag && ref.tag !== undefined) out += `:${ref.tag}`;
  if (options.digest !== false && ref.digest !== undefined) out += `@${ref.digest}`;
  return out;
}

/** `registry/repository`: `docker.io/library/alpine`. */
export function repositoryName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}

/** The name as Docker shows it: `docker.io/library/alpine` → `alpine`, `docker.io/foo/bar` → `foo/bar`. */
export function familiarName(ref: ImageReference): string {
  if (ref.registry !== DOCKER_HUB_REGISTRY) return repositoryName(ref);
  if (ref.repository.startsWith(OFFICIAL_PREFIX)) {
    const short = ref.repository.slice(OFFICIAL_PREFIX.length);
    // Like distribution's familiarizeName: only strip `library/` when no nested path remains.
    if (!short.includes('/')) return short;
  }
  return ref.repository;
}

/**
 * The reference pinned to `digest`, keeping its tag for readers (`alpine:3.20@sha256:...`, as
 * `bosun pin` writes). An implied `latest` becomes explicit so the pinned string says what it was.
 */
export function withDigest(ref: ImageReference, digest: string): ImageReference {
  try {
    parseDigest(digest, 'digest');
  } catch (error) {
    throw invalid(digest, 'invalid digest (expected sha256:<64 hex> or sha512:<128 hex>, lowercase)', error);
  }
  const pinned: ImageReference = {
    registry: ref.registry,
    repository: ref.repository,
    tag: ref.tag,
    digest,
    tagImplied: false,
    original: '',
  };
  return { ...pinned, original: formatReference(pinned, { familiar: true }) };
}

/** How firmly a reference pins what runs: tag-only references are mutable; `latest` is flagged. */
export function referencePinning(ref: ImageReference): ReferencePinning {
  const pinned = ref.digest !== undefined;
  return {
    mutable: !pinned,
    latest: ref.tag === DEFAULT_TAG,
    pinned,
  };
}
