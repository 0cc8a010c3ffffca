/**
 * Online trust: the Sigstore trusted root fetched through TUF with @sigstore/tuf (the public-good
 * repository by default, whose initial root ships in the package; another mirror needs its
 * initial `root.json`). The fetched root goes through the same parser as a `--trusted-root` file.
 */
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { DEFAULT_MIRROR_URL, getTrustedRoot } from '@sigstore/tuf';
import { BosunError } from '../../util/errors.ts';
import { parseTrustedRoot, type ParsedTrustedRoot } from './trusted-root.ts';

export { DEFAULT_MIRROR_URL as DEFAULT_TUF_MIRROR_URL };

export interface TufTrustedRootOptions {
  /** TUF repository URL; the Sigstore public-good CDN unless told. */
  readonly mirrorURL?: string;
  /** Initial trusted `root.json` for a mirror other than the default. */
  readonly rootPath?: string;
  /** Directory for TUF metadata and targets (the caller's cache directory). */
  readonly cachePath: string;
  /** Use cached metadata without contacting the mirror while it is unexpired. */
  readonly forceCache?: boolean;
  /** Per-request timeout in milliseconds (30 s unless told). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Fetches and parses the trusted root. Errors: SIGN_KEYLESS_SERVICE (TUF failed), SIGN_TRUSTED_ROOT_INVALID. */
export async function fetchTrustedRoot(options: TufTrustedRootOptions): Promise<ParsedTrustedRoot> {
  options.signal?.throwIfAborted();
  const mirrorURL = options.mirrorURL ?? DEFAULT_MIRROR_URL;
  let root: TrustedRoot;
  try {
    root = await getTrustedRoot({
      mirrorURL,
      cachePath: options.cachePath,
      forceCache: options.forceCache ?? false,
      retry: 0,
      timeout: options.timeoutMs ?? 30_000,
      ...(options.rootPath === undefined ? {} : { rootPath: options.rootPath }),
    });
  } catch (cause) {
    const code =
      typeof (cause as { code?: unknown }).code === 'string' ? (cause as { code: string }).code : 'unknown';
    throw new BosunError(
      'SIGN_KEYLESS_SERVICE',
      `TUF: could not fetch the trusted root from ${mirrorURL} (${code})`,
      {
        cause,
        details: { mirrorURL, reason: code },
      },
    );
  }
  options.signal?.throwIfAborted();
  return parseTrustedRoot(JSON.stringify(TrustedRoot.toJSON(root)), {
    input: `trusted root from ${mirrorURL}`,
  });
}
