// Sigstore bundles checked against the Sigstore project's own JS libraries in both directions:
// @sigstore/verify accepts what Bosun writes, Bosun verifies what @sigstore/sign builds.
import { createPrivateKey, createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundleFromJSON, bundleToJSON } from '@sigstore/bundle';
import { DSSEBundleBuilder, MessageSignatureBundleBuilder, type Signer } from '@sigstore/sign';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENPKEY_ARGS, opensslOk, tempDir, type GenpkeyKind } from '../../test/support/openssl-cli.ts';
import { mutatedText, valueOrBosunError } from '../../test/support/parser-property.ts';
import {
  BUNDLE_V03_MEDIA_TYPE,
  createDsseBundle,
  createMessageSignatureBundle,
  parseBundle,
  verifyBundle,
} from './bundle.ts';
import { IN_TOTO_PAYLOAD_TYPE } from './dsse.ts';
import { buildCosignSignStatement, buildStatement } from './in-toto.ts';
import { generateKeyPair, loadPrivateKey, loadPublicKey } from './keys/index.ts';
import type { PrivateKey, PublicKey } from './keys/types.ts';

const STATEMENT = buildStatement(buildCosignSignStatement(`sha256:${'cd'.repeat(32)}`));
const ARTIFACT = Buffer.from('a release tarball, say\n');

let dir = '';
let cleanup: () => Promise<void> = async () => {};
const keys = new Map<GenpkeyKind, { pem: string; key: PrivateKey }>();
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sign-bundle'));
  for (const kind of Object.keys(GENPKEY_ARGS) as GenpkeyKind[]) {
    await opensslOk(['genpkey', ...GENPKEY_ARGS[kind], '-out', `${kind}.pem`], dir);
    const pem = await readFile(join(dir, `${kind}.pem`), 'utf8');
    keys.set(kind, { pem, key: await loadPrivateKey(pem) });
  }
});
afterAll(() => cleanup());

function keyOf(kind: GenpkeyKind): PrivateKey {
  const entry = keys.get(kind);
  if (entry === undefined) throw new Error(`no ${kind} key`);
  return entry.key;
}

/** @sigstore/verify with the public key as its only trust: no logs, no CAs, no timestamps required. */
function sigstoreVerify(bundleJson: Buffer, publicKey: PublicKey, artifact?: Buffer): 'verified' | string {
  const bundle = bundleFromJSON(JSON.parse(bundleJson.toString()));
  const root = { mediaType: '', certificateAuthorities: [], timestampAuthorities: [], tlogs: [], ctlogs: [] };
  const trust = toTrustMaterial(root as unknown as Parameters<typeof toTrustMaterial>[0], (hint: string) => {
    if (hint !== publicKey.hint) throw new Error(`unknown key hint ${hint}`);
    return { publicKey: createPublicKey(publicKey.pem), validFor: () => true };
  });
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  try {
    verifier.verify(toSignedEntity(bundle, artifact));
    return 'verified';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

/** A key-based @sigstore/sign Signer over a node KeyObject (independent of Bosun's signing code). */
function keySigner(privateKey: KeyObject): Signer {
  const publicPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return {
    sign: async (data: Buffer) => ({
      signature: nodeSign(privateKey.asymmetricKeyType === 'ed25519' ? null : 'sha256', data, privateKey),
      key: { $case: 'publicKey', publicKey: publicPem },
    }),
  };
}

describe('bundles Bosun writes', () => {
  it('have cosign v3 shape: v0.3 media type, public-key hint, DSSE envelope', () => {
    const key = keyOf('ecdsa-p256');
    const json = JSON.parse(createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, STATEMENT).toString()) as {
      mediaType: string;
      verificationMaterial: { publicKey: { hint: string } };
      dsseEnvelope: { payloadType: string; payload: string; signatures: object[] };
    };
    expect({
      mediaType: json.mediaType,
      hint: json.verificationMaterial.publicKey.hint,
      payloadType: json.dsseEnvelope.payloadType,
      payload: Buffer.from(json.dsseEnvelope.payload, 'base64'),
      signatureFields: json.dsseEnvelope.signatures.map((s) => Object.keys(s)),
    }).toEqual({
      mediaType: BUNDLE_V03_MEDIA_TYPE,
      hint: key.publicKey.hint,
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: STATEMENT,
      signatureFields: [['sig']],
    });
  });

  it.each(Object.keys(GENPKEY_ARGS) as GenpkeyKind[])('@sigstore/verify accepts a %s DSSE bundle', (kind) => {
    const key = keyOf(kind);
    const bundle = createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, STATEMENT);
    expect(sigstoreVerify(bundle, key.publicKey)).toEqual('verified');
    expect(verifyBundle(parseBundle(bundle), key.publicKey)).toEqual({
      verified: true,
      kind: 'dsse',
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: STATEMENT,
    });
  });

  it.each(['ecdsa-p256', 'ecdsa-p384', 'rsa'] as const)(
    '@sigstore/verify accepts a %s message-signature bundle',
    (kind) => {
      const key = keyOf(kind);
      const bundle = createMessageSignatureBundle(key, ARTIFACT);
      expect(sigstoreVerify(bundle, key.publicKey, ARTIFACT)).toEqual('verified');
      expect(verifyBundle(parseBundle(bundle), key.publicKey, ARTIFACT)).toMatchObject({ verified: true });
    },
  );

  it('@sigstore/verify rejects them when tampered, proving the check can fail', () => {
    const key = keyOf('ecdsa-p256');
    const bundle = JSON.parse(createDsseBundle(key, IN_TOTO_PAYLOAD_TYPE, STATEMENT).toString()) as {
      dsseEnvelope: { payload: string };
    };
    bundle.dsseEnvelope.payload = Buffer.from('{"_type":"x"}').toString('base64');
    expect(sigstoreVerify(Buffer.from(JSON.stringify(bundle)), key.publicKey)).toEqual('SIGNATURE_ERROR');
  });
});

describe('bundles @sigstore/sign builds, verified by Bosun', () => {
  it.each(Object.keys(GENPKEY_ARGS) as GenpkeyKind[])('DSSE bundle signed with a %s key', async (kind) => {
    const pem = keys.get(kind)?.pem ?? '';
    const builder = new DSSEBundleBuilder({ signer: keySigner(createPrivateKey(pem)), witnesses: [] });
    const bundle = await builder.create({ data: STATEMENT, type: IN_TOTO_PAYLOAD_TYPE });
    const parsed = parseBundle(JSON.stringify(bundleToJSON(bundle)));
    expect(parsed.content.kind).toEqual('dsse');
    expect(verifyBundle(parsed, keyOf(kind).publicKey)).toEqual({
      verified: true,
      kind: 'dsse',
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payload: STATEMENT,
    });
  });

  it('message-signature bundle, and every negative case as a value', async () => {
    const pem = keys.get('ecdsa-p256')?.pem ?? '';
    const builder = new MessageSignatureBundleBuilder({
      signer: keySigner(createPrivateKey(pem)),
      witnesses: [],
    });
    const parsed = parseBundle(JSON.stringify(bundleToJSON(await builder.create({ data: ARTIFACT }))));
    const stranger = (await loadPrivateKey((await generateKeyPair('x')).privatePem, 'x')).publicKey;
    const key = loadPublicKey(keyOf('ecdsa-p256').publicKey.pem);
    const content = parsed.content;
    if (content.kind !== 'message-signature') throw new Error('expected a message signature');
    const flipped = Buffer.from(content.signature);
    flipped[8] = (flipped[8] ?? 0) ^ 0x01;
    expect({
      good: verifyBundle(parsed, key, ARTIFACT).verified,
      tamperedArtifact: verifyBundle(parsed, key, Buffer.concat([ARTIFACT, Buffer.from('!')])),
      wrongKey: verifyBundle(parsed, stranger, ARTIFACT),
      flippedBit: verifyBundle({ ...parsed, content: { ...content, signature: flipped } }, key, ARTIFACT),
      noArtifact: verifyBundle(parsed, key),
    }).toEqual({
      good: true,
      tamperedArtifact: { verified: false, reason: 'digest-mismatch' },
      wrongKey: { verified: false, reason: 'signature-mismatch' },
      flippedBit: { verified: false, reason: 'signature-mismatch' },
      noArtifact: { verified: false, reason: 'artifact-required' },
    });
  });
});

describe('parseBundle', () => {
  it('reports the key material, log entries and timestamps it carries', () => {
    const parsed = parseBundle(createDsseBundle(keyOf('ed25519'), IN_TOTO_PAYLOAD_TYPE, STATEMENT));
    expect({
      mediaType: parsed.mediaType,
      keyMaterial: parsed.keyMaterial,
      tlogEntryCount: parsed.tlogEntryCount,
      timestampCount: parsed.timestampCount,
    }).toEqual({
      mediaType: BUNDLE_V03_MEDIA_TYPE,
      keyMaterial: { kind: 'public-key', hint: keyOf('ed25519').publicKey.hint },
      tlogEntryCount: 0,
      timestampCount: 0,
    });
  });

  it.each([
    ['not JSON', '{'],
    ['an array', '[]'],
    [
      'no media type',
      '{"verificationMaterial":{"publicKey":{"hint":""}},"dsseEnvelope":{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"aGk=","keyid":""}]}}',
    ],
    [
      'no content',
      `{"mediaType":"${BUNDLE_V03_MEDIA_TYPE}","verificationMaterial":{"publicKey":{"hint":""}}}`,
    ],
    [
      'two DSSE signatures',
      `{"mediaType":"${BUNDLE_V03_MEDIA_TYPE}","verificationMaterial":{"publicKey":{"hint":""}},"dsseEnvelope":{"payload":"aGk=","payloadType":"t","signatures":[{"sig":"aGk="},{"sig":"aGk="}]}}`,
    ],
  ])('refuses %s with SIGN_BUNDLE_INVALID', (_name, text) => {
    expect(() => parseBundle(text)).toThrow(expect.objectContaining({ code: 'SIGN_BUNDLE_INVALID' }));
  });

  it('random or mutated bundle JSON yields a value or a BosunError', () => {
    const seed = createDsseBundle(keyOf('ecdsa-p256'), IN_TOTO_PAYLOAD_TYPE, Buffer.from('{}')).toString();
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(() => parseBundle(text), ['SIGN_BUNDLE_INVALID', 'LIMIT_EXCEEDED']);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), (value) => {
        valueOrBosunError(
          () => parseBundle(JSON.stringify(value) ?? 'null'),
          ['SIGN_BUNDLE_INVALID', 'LIMIT_EXCEEDED'],
        );
      }),
      { numRuns: 500 },
    );
  });
});
