// Kyverno `verifyImages` rules in two phases, as Kyverno runs them: the mutate phase verifies the
// attestors and attestations of every matching image through ImageFacts and pins tags to digests
// (`mutateDigest`, Enforce only: a JSON patch returned with the rule result); the validate phase then
// requires a digest (`verifyDigest`) and a successful verification (`required`) of every matching
// image. `imageReferences`/`skipImageReferences` are Kyverno wildcards (`*` crosses `/`) over the
// normalised reference (`docker.io/nginx:latest`, `ghcr.io/x/y@sha256:...`).
import { asArray, asObject, clone, type JsonObject, type JsonValue } from '../common/json.ts';
import { wildcardMatch } from '../common/wildcard.ts';
import type { KyvernoRule } from '../load/types.ts';
import type { EvaluationOptions } from '../evaluation.ts';
import type { JsonPatchOperation } from '../types.ts';
import type { RuleOutcome } from './engine.ts';
import { evaluateConditions } from './conditions.ts';
import { substituteAll, substituteString } from './variables.ts';
import { extractRuleImages, type ExtractedImage } from './image-extract.ts';
import { parseImageVerification, type ImageVerificationSpec } from './verify-images-spec.ts';
import {
  AttestorUnsupported,
  verifyAttestation,
  verifyAttestorSets,
  type VerifyTarget,
} from './verify-images-attest.ts';

const NEEDS_FACTS =
  'verifyImages: signature and digest lookups need image facts (registry access) and none were given';

class NeedsFacts extends Error {}

/** Substitutes variables in a verifyImages entry, leaving attestation conditions for later. */
function substituteEntry(raw: JsonObject, data: JsonObject, index: number): JsonObject {
  const copy = clone(raw);
  const conditions: JsonValue[] = [];
  const validate = copy['validate'];
  delete copy['validate'];
  for (const a of asArray(copy['attestations'])) {
    const o = asObject(a);
    conditions.push(o['conditions'] ?? null);
    delete o['conditions'];
  }
  const out = asObject(substituteAll(copy, data, `/verifyImages/${index}/`));
  asArray(out['attestations']).forEach((a, i) => {
    if (conditions[i] !== null && conditions[i] !== undefined) asObject(a)['conditions'] = conditions[i]!;
  });
  if (validate !== undefined) out['validate'] = validate;
  return out;
}

function matches(spec: ImageVerificationSpec, image: ExtractedImage): boolean {
  const ref = image.info.reference;
  return spec.imageReferences.some((p) => wildcardMatch(p, ref));
}

function skipped(spec: ImageVerificationSpec, image: ExtractedImage): boolean {
  const ref = image.info.reference;
  return spec.skipImageReferences.some((p) => wildcardMatch(p, ref));
}

function applyReplace(resource: JsonObject, patches: readonly JsonPatchOperation[]): JsonObject {
  const out = clone(resource);
  for (const p of patches) {
    const parts = p.path
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/gu, '/').replace(/~0/gu, '~'));
    let cur: JsonValue = out;
    for (const part of parts.slice(0, -1))
      cur = Array.isArray(cur) ? cur[Number(part)]! : asObject(cur)[part]!;
    const last = parts[parts.length - 1]!;
    if (Array.isArray(cur)) cur[Number(last)] = p.value ?? null;
    else asObject(cur)[last] = p.value ?? null;
  }
  return out;
}

interface ImageState {
  digest: string;
  verified: boolean;
}

/** Evaluates a verifyImages rule on one resource. */
export async function verifyImagesRule(
  rule: KyvernoRule,
  data: JsonObject,
  resource: JsonObject,
  options: EvaluationOptions,
): Promise<RuleOutcome> {
  if ((options.operation ?? 'CREATE') === 'DELETE') return { status: 'skip', message: 'delete request' };
  const specs = asArray(rule.raw['verifyImages']).map((e, i) =>
    parseImageVerification(substituteEntry(asObject(e), data, i)),
  );
  const images = extractRuleImages(resource, rule.raw);
  const state = new Map<string, ImageState>();
  for (const img of images) state.set(img.pointer, { digest: img.info.digest, verified: false });
  const patches: JsonPatchOperation[] = [];
  let matched = 0;
  let skippedCount = 0;
  try {
    // Mutate phase: verification and digest pinning.
    for (const spec of specs) {
      if (spec.type === 'Notary') {
        return {
          status: 'error',
          message: 'verifyImages: Notary verification is not supported by Bosun',
          unsupported: 'Notary verification is not supported by Bosun',
        };
      }
      for (const img of images) {
        if (!matches(spec, img)) continue;
        matched++;
        if (skipped(spec, img)) {
          skippedCount++;
          continue;
        }
        const st = state.get(img.pointer)!;
        if (spec.attestors.length > 0 || spec.attestations.length > 0) {
          const v = await verifyImage(spec, img, st, data, options);
          if (!v.ok) return { status: 'fail', message: v.message };
          st.verified = true;
        }
        if (spec.mutateDigest && rule.action === 'Enforce' && img.info.digest === '' && img.patchable) {
          if (st.digest === '') st.digest = await resolve(img, options);
          if (!patches.some((p) => p.path === img.pointer))
            patches.push({
              op: 'replace',
              path: img.pointer,
              value: `${img.info.referenceWithTag}@${st.digest}`,
            });
        }
      }
    }
  } catch (e) {
    if (e instanceof NeedsFacts) return { status: 'error', message: NEEDS_FACTS, unsupported: NEEDS_FACTS };
    if (e instanceof AttestorUnsupported)
      return { status: 'error', message: e.message, unsupported: e.message };
    return { status: 'error', message: `verifyImages: ${(e as Error).message}` };
  }
  if (matched === 0)
    return { status: 'skip', message: 'skip run verification as image in resource not found in imageRefs' };
  if (matched === skippedCount)
    return { status: 'skip', message: 'image verification skipped for all matching images' };
  // Validate phase: digests present (after pinning) and images verified.
  for (const spec of specs) {
    for (const img of images) {
      if (!matches(spec, img) || skipped(spec, img)) continue;
      const st = state.get(img.pointer)!;
      const pinned = img.info.digest !== '' || patches.some((p) => p.path === img.pointer);
      if (spec.verifyDigest && !pinned)
        return { status: 'fail', message: `missing digest for ${img.info.reference}` };
      if (spec.required && !st.verified)
        return { status: 'fail', message: `unverified image ${img.info.reference}` };
    }
    if (spec.validate !== undefined && evaluateConditions(spec.validate.deny, data).result) {
      const msg = substituteString(spec.validate.message, data, '/verifyImages/validate/message');
      return { status: 'fail', message: typeof msg === 'string' ? msg : JSON.stringify(msg) };
    }
  }
  const ignored = [...new Set(specs.flatMap((s) => s.ignored))];
  const note = ignored.includes('imageRegistryCredentials')
    ? ' (imageRegistryCredentials ignored: registry credentials come from the image facts service)'
    : '';
  return {
    status: 'pass',
    message: `image verified${note}`,
    ...(patches.length === 0 ? {} : { patches, patched: applyReplace(resource, patches) }),
  };
}

async function resolve(img: ExtractedImage, options: EvaluationOptions): Promise<string> {
  const facts = options.imageFacts;
  if (facts === undefined) throw new NeedsFacts();
  return facts.resolveDigest(img.info.reference, options.signal);
}

async function verifyImage(
  spec: ImageVerificationSpec,
  img: ExtractedImage,
  st: ImageState,
  data: JsonObject,
  options: EvaluationOptions,
): Promise<{ ok: true } | { ok: false; message: string }> {
  const facts = options.imageFacts;
  if (facts === undefined) throw new NeedsFacts();
  if (st.digest === '') st.digest = await facts.resolveDigest(img.info.reference, options.signal);
  const target: VerifyTarget = {
    facts,
    reference: img.info.reference,
    digest: st.digest,
    format: spec.type === 'SigstoreBundle' ? 'SigstoreBundle' : 'Cosign',
    ...(spec.repository === undefined ? {} : { repository: spec.repository }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  };
  const signed = await verifyAttestorSets(spec.attestors, target);
  if (!signed.ok) return signed;
  const imageData: JsonObject = {
    ...data,
    image: {
      ...asObject(data['image']),
      reference: img.info.reference,
      digest: st.digest,
      registry: img.info.registry,
      path: img.info.path,
      tag: img.info.tag,
      name: img.info.name,
    },
  };
  for (let i = 0; i < spec.attestations.length; i++) {
    const v = await verifyAttestation(spec.attestations[i]!, i, spec.attestors, target, imageData);
    if (!v.ok)
      return {
        ok: false,
        message: `image attestations verification failed for ${img.info.reference}: ${v.message}`,
      };
  }
  return { ok: true };
}
