// The Helm chart renders the same kinds as webhookManifests, and each validates. Needs `helm`:
// it is not packaged in Debian, and this machine reaches neither Helm's release downloads nor
// the Go module proxy, so the test is skipped when `helm` is not on PATH.
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { validateKubernetesObject } from '../../../test/support/kubernetes-schemas.ts';
import { webhookManifests } from './webhook-manifests.ts';

const run = promisify(execFile);
const chart = new URL('../../../deploy/helm/bosun', import.meta.url).pathname;

function hasHelm(): boolean {
  try {
    execFileSync('helm', ['version', '--short'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasHelm())(
  'helm chart (skipped: helm is not installed; not in Debian, no download route here)',
  () => {
    it('renders the objects of webhookManifests, each valid for its kind', async () => {
      const { stdout } = await run('helm', [
        'template',
        'bosun',
        chart,
        '--namespace',
        'bosun',
        '--set',
        'registryCredentials.existingSecret=regcred',
        '--set',
        'pullSecretsFromApi=true',
        '--set',
        'namespacesFromApi=true',
        '--set-string',
        'policies.p\\.yaml=kind: ClusterPolicy',
      ]);
      const docs = parseAllDocuments(stdout)
        .map((d) => d.toJS() as Record<string, unknown>)
        .filter((d) => d !== null);
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
  },
);
