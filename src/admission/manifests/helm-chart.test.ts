// The Helm chart renders the same kinds as webhookManifests, and each validates. Rendered with
// `helm template` when helm is installed, else with Helm's own template engine (Go text/template
// + sprig + Helm's include/toYaml) built from Debian's Go sources: see test/support/helm-render.ts.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateKubernetesObject } from '../../../test/support/kubernetes-schemas.ts';
import { helmAvailable, helmRenderAvailable, renderChart } from '../../../test/support/helm-render.ts';
import { webhookManifests } from './webhook-manifests.ts';

const chart = new URL('../../../deploy/helm/bosun', import.meta.url).pathname;
type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test reads nested manifest fields

function render(sets: readonly string[]): Obj[] {
  return parseAllDocuments(renderChart(chart, 'bosun', sets))
    .map((d) => d.toJS() as Obj)
    .filter((d) => d !== null);
}

describe.skipIf(!helmAvailable() && !helmRenderAvailable())(
  `helm chart (rendered with ${helmAvailable() ? 'helm template' : "Helm's template engine"})`,
  () => {
    const docs = render([
      '--set',
      'registryCredentials.existingSecret=regcred',
      '--set',
      'pullSecretsFromApi=true',
      '--set',
      'namespacesFromApi=true',
      '--set-string',
      'policies.p\\.yaml=kind: ClusterPolicy',
    ]);
    const byKind = (kind: string): Obj => docs.find((d) => d['kind'] === kind)!;

    it('renders the objects of webhookManifests, each valid for its kind', async () => {
      const expected = webhookManifests({
        registrySecret: 'regcred',
        pullSecretsFromApi: true,
        namespacesFromApi: true,
      })
        .objects.map((o) => o['kind'])
        .filter((k) => k !== 'Namespace');
      expect(docs.map((d) => d['kind']).sort()).toEqual([...expected].sort());
      expect(await Promise.all(docs.map((d) => validateKubernetesObject(d)))).toEqual(
        docs.map(() => undefined),
      );
    });

    it('passes the values through as the manifests do', () => {
      const manifests = webhookManifests({
        namespace: 'bosun',
        registrySecret: 'regcred',
        pullSecretsFromApi: true,
        namespacesFromApi: true,
      }).objects as Obj[];
      const container = (d: Obj): Obj => d['spec']['template']['spec']['containers'][0];
      const want = container(manifests.find((d) => d['kind'] === 'Deployment')!);
      const got = container(byKind('Deployment'));
      expect([got['args'], got['env'], got['resources']]).toEqual([
        want['args'],
        want['env'],
        want['resources'],
      ]);
      expect(byKind('ConfigMap')['data']).toEqual({ 'p.yaml': 'kind: ClusterPolicy' });
    });

    it('injects the generated CA as caBundle and serves a certificate it signed', () => {
      const secret = byKind('Secret');
      const ca = Buffer.from(secret['data']['ca.crt'] ?? '', 'base64').toString();
      for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
        const hooks: Obj[] = byKind(kind)['webhooks'];
        for (const h of hooks)
          expect(Buffer.from(h['clientConfig']['caBundle'], 'base64').toString()).toEqual(ca);
      }
      expect(ca).toContain('BEGIN CERTIFICATE');
    });

    it('grants API reads only when enabled', () => {
      const plain = render([]);
      expect(plain.filter((d) => d['kind'] === 'ClusterRole')).toEqual([]);
      expect(docs.filter((d) => d['kind'] === 'ClusterRole').map((d) => d['metadata']['name'])).toEqual([
        'bosun-webhook-pull-secrets',
        'bosun-webhook-namespaces',
      ]);
    });
  },
);
