import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadPolicyDocuments, parseYamlDocuments } from '../../policy/index.ts';
import { PIPELINE_POLICIES, configuredLibrary } from './library-policies.ts';

const publicPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'pem' })
  .toString();

describe('configuredLibrary', () => {
  it('replaces the example registry and every example key, and the policies still load', async () => {
    const library = await configuredLibrary('127.0.0.1:5000', publicPem);
    expect([...library.keys()]).toEqual(PIPELINE_POLICIES.map((name) => `${name}.yaml`));
    for (const [name, text] of library) {
      expect([
        name,
        text.includes('registry.example.com/'),
        text.includes('MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE06Kp'),
      ]).toEqual([name, false, false]);
    }
    const signature = library.get('require-cosign-signature.yaml') ?? '';
    expect(signature).toMatch(/["']127\.0\.0\.1:5000\/\*["']/);
    const doc = parseYamlDocuments(signature, 'require-cosign-signature.yaml')[0] as {
      spec: { rules: { verifyImages: { attestors: { entries: { keys: { publicKeys: string } }[] }[] }[] }[] };
    };
    expect(doc.spec.rules[0]?.verifyImages[0]?.attestors[0]?.entries[0]?.keys.publicKeys).toEqual(
      publicPem.trim(),
    );
    const loaded = loadPolicyDocuments(
      [...library].flatMap(([name, text]) => parseYamlDocuments(text, name)),
      { strict: true },
    );
    expect(loaded.policies.map((p) => p.name).sort()).toEqual([...PIPELINE_POLICIES].sort());
  });
});
