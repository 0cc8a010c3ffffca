// The test registry harness itself: each variant starts, answers /v2/ as its auth mode says, and
// (token variant) accepts the token server's JWTs.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { describe, expect, it } from 'vitest';
import { startRegistry, type StartRegistryOptions, type TestRegistry } from './registry.ts';

interface Answer {
  readonly status: number;
  readonly challenge: string | undefined;
  readonly body: string;
}

function get(registry: TestRegistry, url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(
      url,
      { headers, ...(registry.caPem === undefined ? {} : { ca: registry.caPem }) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            challenge: res.headers['www-authenticate'],
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const basicHeader = (user: string, password: string): Record<string, string> => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('startRegistry', () => {
  it.each<[StartRegistryOptions, number, string | undefined]>([
    [{ auth: 'none' }, 200, undefined],
    [{ auth: 'none', tls: true }, 200, undefined],
    [{ auth: 'basic' }, 401, 'Basic'],
    [{ auth: 'token', tls: true }, 401, 'Bearer'],
  ])('%j answers /v2/ anonymously with %i', async (options, status, scheme) => {
    const registry = await startRegistry(options);
    try {
      expect(registry.url).toEqual(`${options.tls ? 'https' : 'http'}://${registry.host}`);
      const answer = await get(registry, `${registry.url}/v2/`);
      expect({ status: answer.status, scheme: answer.challenge?.split(' ')[0] }).toEqual({ status, scheme });
    } finally {
      await registry.stop();
    }
  });

  it('basic: accepts the generated credentials and refuses others', async () => {
    const registry = await startRegistry({ auth: 'basic' });
    try {
      const ok = await get(
        registry,
        `${registry.url}/v2/`,
        basicHeader(registry.username ?? '', registry.password ?? ''),
      );
      const bad = await get(registry, `${registry.url}/v2/`, basicHeader(registry.username ?? '', 'wrong'));
      expect([ok.status, bad.status]).toEqual([200, 401]);
    } finally {
      await registry.stop();
    }
  });

  it('token: the registry trusts tokens issued for the right credentials only', async () => {
    const registry = await startRegistry({ auth: 'token' });
    try {
      const realm = `${registry.tokenRealm}?service=bosun-test-registry&scope=repository:demo:pull`;
      const good = await get(registry, realm, basicHeader(registry.username ?? '', registry.password ?? ''));
      const bad = await get(registry, realm, basicHeader(registry.username ?? '', 'wrong'));
      expect([good.status, bad.status]).toEqual([200, 401]);
      const { token } = JSON.parse(good.body) as { token: string };
      // 404 NAME_UNKNOWN (not 401) means the token was accepted for the repository.
      const tags = await get(registry, `${registry.url}/v2/demo/tags/list`, {
        authorization: `Bearer ${token}`,
      });
      expect(tags.status).toEqual(404);
      const anon = await get(
        registry,
        `${registry.tokenRealm}?service=bosun-test-registry&scope=repository:demo:pull`,
      );
      const { token: anonToken } = JSON.parse(anon.body) as { token: string };
      const denied = await get(registry, `${registry.url}/v2/demo/tags/list`, {
        authorization: `Bearer ${anonToken}`,
      });
      expect(denied.status).toEqual(401);
      expect(registry.tokenRequests.map((r) => r.status)).toEqual([200, 401, 200]);
    } finally {
      await registry.stop();
    }
  });
});
