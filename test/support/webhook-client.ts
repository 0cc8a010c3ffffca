// Posts AdmissionReviews to a webhook over HTTPS, trusting only the given CA (as the API server
// trusts the caBundle), and reads plain GET endpoints.
import { request } from 'node:https';

export interface HttpsAnswer {
  readonly status: number;
  readonly body: string;
  /** The peer certificate's serial, to see TLS reloads. */
  readonly serial: string;
}

export function httpsCall(
  url: string,
  caPem: string,
  method: 'GET' | 'POST',
  body?: string,
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: caPem,
        servername: 'localhost',
        agent: false,
        headers:
          body === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const cert =
            res.socket && 'getPeerCertificate' in res.socket
              ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate()
              : undefined;
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            serial: cert?.serialNumber ?? '',
          });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface ReviewAnswer {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  patchType?: string;
  patch?: string;
}

export async function postReview(url: string, caPem: string, review: unknown): Promise<ReviewAnswer> {
  const res = await httpsCall(url, caPem, 'POST', JSON.stringify(review));
  if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${res.body}`);
  const parsed = JSON.parse(res.body) as { apiVersion: string; kind: string; response: ReviewAnswer };
  if (parsed.apiVersion !== 'admission.k8s.io/v1' || parsed.kind !== 'AdmissionReview')
    throw new Error('not an AdmissionReview');
  return parsed.response;
}

export function decodePatch(answer: ReviewAnswer): unknown {
  return answer.patch === undefined
    ? undefined
    : JSON.parse(Buffer.from(answer.patch, 'base64').toString('utf8'));
}
