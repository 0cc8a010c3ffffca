import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { buildLayer } from '../../test/builders/layer.ts';
import { OciBlobs } from '../../test/builders/oci-image.ts';
import { mutatedText, valueOrBosunError } from '../../test/support/parser-property.ts';
import { pushBuiltImage } from '../../test/support/push-image.ts';
import { startRegistry, type TestRegistry } from '../../test/support/registry.ts';
import { RegistryClient } from '../image/index.ts';
import { pinFiles } from './pin-files.ts';
import { checkText } from './pin-text.ts';
import { registryDigestResolver } from './registry-resolver.ts';

let registry: TestRegistry;
let client: RegistryClient;
let dir: string;
const digests: Record<string, string> = {};

beforeAll(async () => {
  registry = await startRegistry({ auth: 'none' });
  client = new RegistryClient({ registry: registry.host, insecure: true });
  for (const [repo, tag, body] of [
    ['shop/web', '1.2', 'web'],
    ['shop/worker', 'latest', 'worker'],
    ['shop/init', '3', 'init'],
  ] as const) {
    const blobs = new OciBlobs();
    const image = blobs.image([buildLayer([{ name: 'f', body }])]);
    await pushBuiltImage(client, repo, blobs, image.manifest, tag);
    digests[repo] = image.manifest.digest;
  }
  dir = await mkdtemp(join(tmpdir(), 'bosun-pin-'));
});
afterAll(async () => {
  await client?.close();
  await registry?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

// Helm-rendered output: `# Source:` comments, several documents, quoted and plain scalars, a
// non-workload document and an already pinned image.
function helmOutput(host: string): string {
  return `---
# Source: shop/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web   # the storefront
spec:
  replicas: 2
  template:
    spec:
      initContainers:
        - name: init
          image: '${host}/shop/init:3'
      containers:
        - name: web
          image: "${host}/shop/web:1.2" # pinned by bosun
          ports: [{containerPort: 8080}]
---
# Source: shop/templates/cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: worker
            image: ${host}/shop/worker
          - name: pinned
            image: ${host}/shop/web:1.2@sha256:${'0'.repeat(64)}
---
# Source: shop/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data:
  image: ${host}/shop/web:1.2
`;
}

describe('pinFiles', () => {
  it('check reports every unpinned workload image without network access', () => {
    const r = checkText(helmOutput('127.0.0.1:1'), 'rendered.yaml');
    expect(r.unpinned.map((u) => [u.kind, u.name, u.pointer])).toEqual([
      ['Deployment', 'web', '/spec/template/spec/initContainers/0/image'],
      ['Deployment', 'web', '/spec/template/spec/containers/0/image'],
      ['CronJob', 'nightly', '/spec/jobTemplate/spec/template/spec/containers/0/image'],
    ]);
  });

  it('pins in place, changing only the image scalars (comments, quotes and layout kept)', async () => {
    const file = join(dir, 'rendered.yaml');
    const before = helmOutput(registry.host);
    await writeFile(file, before);
    const resolve = registryDigestResolver({ insecure: true });
    const result = await pinFiles([file], { resolve, write: true });
    await resolve.close();
    const after = await readFile(file, 'utf8');
    const h = registry.host;
    const expected = before
      .replace(`'${h}/shop/init:3'`, `'${h}/shop/init:3@${digests['shop/init']}'`)
      .replace(`"${h}/shop/web:1.2"`, `"${h}/shop/web:1.2@${digests['shop/web']}"`)
      .replace(`image: ${h}/shop/worker\n`, `image: ${h}/shop/worker:latest@${digests['shop/worker']}\n`);
    expect(after).toEqual(expected);
    expect([result.unpinned, result.changed, result.issues, result.files[0]!.written]).toEqual([
      3,
      3,
      0,
      true,
    ]);
    // Pinned output has nothing left to pin and still parses as the same documents.
    expect(checkText(after, file).unpinned).toEqual([]);
    expect(parseAllDocuments(after).map((d) => d.toJS().kind)).toEqual([
      'Deployment',
      'CronJob',
      'ConfigMap',
    ]);
  });

  it('reports references it cannot resolve and leaves them alone', async () => {
    const file = join(dir, 'missing.yaml');
    const text = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: ${registry.host}/shop/none:9\n  - name: b\n    image: "{{ .Values.image }}"\n`;
    await writeFile(file, text);
    const resolve = registryDigestResolver({ insecure: true });
    const result = await pinFiles([file], { resolve, write: true });
    await resolve.close();
    expect(result.files[0]!.issues.map((i) => [i.pointer, i.code])).toEqual([
      ['/spec/containers/1/image', 'REFERENCE_INVALID'],
      ['/spec/containers/0/image', 'IMAGE_NOT_FOUND'],
    ]);
    expect(await readFile(file, 'utf8')).toEqual(text);
  });

  it('finds images in List items and unknown kinds with a pod template', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: argoproj.io/v1alpha1\n  kind: Rollout\n  metadata: {name: r}\n  spec:\n    template:\n      spec:\n        containers: [{name: a, image: "x/y:1"}]\n`;
    expect(checkText(text, 'list.yaml').unpinned.map((u) => u.pointer)).toEqual([
      '/items/0/spec/template/spec/containers/0/image',
    ]);
  });

  it('reports an unreadable or invalid file per file', async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, 'a: [1\n');
    const r = await pinFiles([bad, join(dir, 'absent.yaml')], { check: true });
    expect(r.files.map((f) => f.error?.code)).toEqual(['PIN_INPUT_INVALID', 'PIN_INPUT_INVALID']);
  });

  it('check returns findings or a BosunError for any mutation of a manifest', () => {
    fc.assert(
      fc.property(mutatedText(helmOutput('r.example')), (text) => {
        valueOrBosunError(() => checkText(text, 'fuzz.yaml'), ['PIN_INPUT_INVALID']);
      }),
      { numRuns: 300 },
    );
  });
});
