import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeAdmissionReview, encodeAdmissionResponse, peekRequestUid } from './codec.ts';
import { admissionReview, workload } from '../../../test/builders/admission-review.ts';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { isBosunError } from '../../util/errors.ts';

const deployment = workload('Deployment', 'web', 'shop', [
  { name: 'app', image: 'registry.example/web:1.2' },
]);

describe('decodeAdmissionReview', () => {
  it('reads a request as the API server sends it', () => {
    const body = admissionReview(deployment, {
      uid: 'u-1',
      operation: 'UPDATE',
      oldObject: deployment,
      dryRun: true,
    });
    const req = decodeAdmissionReview(JSON.stringify(body));
    expect(req).toEqual({
      uid: 'u-1',
      kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      name: 'web',
      namespace: 'shop',
      operation: 'UPDATE',
      userInfo: {
        username: 'system:serviceaccount:kube-system:replicaset-controller',
        uid: '5f2c8d8e-0000-4000-8000-000000000001',
        groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
      },
      object: deployment,
      oldObject: deployment,
      dryRun: true,
    });
  });

  it('keeps the subresource of an ephemeral container request', () => {
    const pod = workload('Pod', 'p', 'ns', [{ name: 'a', image: 'x:1' }]);
    const req = decodeAdmissionReview(
      JSON.stringify(
        admissionReview(pod, { operation: 'UPDATE', subResource: 'ephemeralcontainers', oldObject: pod }),
      ),
    );
    expect(req.subResource).toEqual('ephemeralcontainers');
  });

  const good = admissionReview(deployment, { uid: 'u-2' }) as { request: Record<string, unknown> };
  it.each([
    ['not JSON', '{', 'ADMISSION_REVIEW_INVALID'],
    ['an array', '[]', 'ADMISSION_REVIEW_INVALID'],
    [
      'v1beta1',
      JSON.stringify({ ...good, apiVersion: 'admission.k8s.io/v1beta1' }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'no request',
      JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'no uid',
      JSON.stringify({ ...good, request: { ...good.request, uid: undefined } }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'bad operation',
      JSON.stringify({ ...good, request: { ...good.request, operation: 'PATCH' } }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'object not an object',
      JSON.stringify({ ...good, request: { ...good.request, object: [1] } }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'dryRun a string',
      JSON.stringify({ ...good, request: { ...good.request, dryRun: 'true' } }),
      'ADMISSION_REVIEW_INVALID',
    ],
    [
      'groups not strings',
      JSON.stringify({ ...good, request: { ...good.request, userInfo: { groups: [1] } } }),
      'ADMISSION_REVIEW_INVALID',
    ],
    ['too deep', `{"a":${'['.repeat(200)}${']'.repeat(200)}}`, 'LIMIT_EXCEEDED'],
  ])('rejects %s', (_name, body, code) => {
    let caught: unknown;
    try {
      decodeAdmissionReview(body);
    } catch (e) {
      caught = e;
    }
    expect(isBosunError(caught) ? caught.code : caught).toEqual(code);
  });

  it('enforces the size limit', () => {
    expect(() => decodeAdmissionReview(JSON.stringify(good), { maxBytes: 100 })).toThrow(
      expect.objectContaining({ code: 'LIMIT_EXCEEDED' }),
    );
  });

  it('returns a request or a BosunError for any mutation of a valid body', () => {
    const seed = JSON.stringify(good);
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        valueOrBosunError(
          () => decodeAdmissionReview(text, { maxDepth: 50 }),
          ['ADMISSION_REVIEW_INVALID', 'LIMIT_EXCEEDED'],
        );
      }),
      { numRuns: 500 },
    );
  });

  it('peeks the uid of an invalid body', () => {
    expect(peekRequestUid('{"request":{"uid":"abc","operation":1}}')).toEqual('abc');
    expect(peekRequestUid('nope')).toEqual(undefined);
  });
});

describe('encodeAdmissionResponse', () => {
  it('writes the patch as base64 JSONPatch', () => {
    const out = JSON.parse(
      encodeAdmissionResponse({
        uid: 'u',
        allowed: true,
        patch: [{ op: 'replace', path: '/spec/containers/0/image', value: 'x@sha256:1' }],
      }),
    ) as { response: { patch: string; patchType: string } };
    expect(out.response.patchType).toEqual('JSONPatch');
    expect(JSON.parse(Buffer.from(out.response.patch, 'base64').toString())).toEqual([
      { op: 'replace', path: '/spec/containers/0/image', value: 'x@sha256:1' },
    ]);
  });
  it('leaves out an empty patch', () => {
    expect(
      JSON.parse(encodeAdmissionResponse({ uid: 'u', allowed: false, status: { code: 403, message: 'no' } })),
    ).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u', allowed: false, status: { code: 403, message: 'no' } },
    });
  });
});
