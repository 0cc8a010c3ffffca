/** Tag listing with pagination (`n`, `last`, and the `Link: <...>; rel="next"` header). */
import { BosunError, limitError } from '../../util/errors.ts';
import { repositoryPath, type RegistryApi } from './api.ts';
import { parseNextLink } from './link.ts';
import { headerValue, readBody } from './transport.ts';

export interface ListTagsOptions {
  /** Page size asked of the registry (`n`); the registry may ignore or cap it. */
  readonly pageSize?: number;
  /** Start after this tag (`last`). */
  readonly last?: string;
  readonly signal?: AbortSignal;
}

/** Every tag of a repository, following `Link` pages up to the client's limits. */
export async function listTags(
  api: RegistryApi,
  repository: string,
  options: ListTagsOptions = {},
): Promise<string[]> {
  const { signal } = options;
  const input = `${api.registry}/${repository} tags`;
  const context = { registry: api.registry, repository, operation: 'list tags' };
  const base = await api.baseUrl(signal);
  const first = new URL(`/v2/${repositoryPath(repository)}/tags/list`, base);
  if (options.pageSize !== undefined)
    first.searchParams.set('n', String(Math.max(1, Math.floor(options.pageSize))));
  if (options.last !== undefined) first.searchParams.set('last', options.last);
  const tags: string[] = [];
  let target: URL | undefined = first;
  for (let page = 0; target !== undefined; page++) {
    if (page >= api.limits.maxPages)
      throw limitError('IMAGE_LIMIT', input, 'pages', page + 1, api.limits.maxPages);
    const response = await api.call({
      method: 'GET',
      repository,
      target,
      operation: 'list tags',
      ok: [200],
      ...(signal === undefined ? {} : { signal }),
    });
    const bytes = await readBody(
      response,
      api.limits.maxManifestBytes,
      input,
      context,
      'IMAGE_LIMIT',
      signal,
    );
    tags.push(...parseTagPage(bytes, input));
    if (tags.length > api.limits.maxTags)
      throw limitError('IMAGE_LIMIT', input, 'tags', tags.length, api.limits.maxTags);
    const next = parseNextLink(headerValue(response.headers, 'link'));
    target = next === undefined ? undefined : new URL(next, response.url);
    if (target !== undefined && target.origin !== base.origin) {
      throw new BosunError('REGISTRY_PROTOCOL', `${input}: pagination link leaves the registry`, {
        details: { registry: api.registry, repository },
      });
    }
  }
  return tags;
}

/** `{"name": "...", "tags": [...] | null}`. */
export function parseTagPage(bytes: Uint8Array, input: string): string[] {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new BosunError('REGISTRY_PROTOCOL', `${input}: tag list is not JSON`, {
      cause: error,
      details: { input },
    });
  }
  const tags = (value as { tags?: unknown } | null)?.tags;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string' && t.length <= 128)) {
    throw new BosunError('REGISTRY_PROTOCOL', `${input}: tag list has no list of tags`, {
      details: { input },
    });
  }
  return tags as string[];
}
