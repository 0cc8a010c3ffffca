// `bosun model scan|hash|verify|convert-check` through run(argv, io) on the python-generated
// corpus, a temp model directory checked with coreutils sha256sum, and an OCI layout built in code.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from 'sarif';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildLayer } from '../../../test/builders/layer.ts';
import { buildModelCorpus } from '../../../test/builders/models/corpus.ts';
import fc from 'fast-check';
import { OciBlobs, dockerArchiveFiles, tarOfFiles, writeFiles } from '../../../test/builders/oci-image.ts';
import { mutatedText, valueOrBosunError } from '../../../test/support/parser-property.ts';
import { parse as parseYaml } from 'yaml';
import { validateKubernetesObject } from '../../../test/support/kubernetes-schemas.ts';
import { validateSarif } from '../../../test/support/sarif-multitool.ts';
import { sarifValidator } from '../../../test/support/schemas.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';
import { parseModelConfig } from './model-config.ts';

let work: string;
let corpus: string;
let layout: string;
let modelDir: string;

async function bosun(argv: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = memoryIo({ cwd: work });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-model-'));
  corpus = buildModelCorpus().dir;
  modelDir = join(work, 'model');
  await mkdir(join(modelDir, 'shards'), { recursive: true });
  for (const f of ['model.safetensors', 'state_dict_zip.pt', 'config.json', 'tokenizer_config.json'])
    await copyFile(join(corpus, 'benign', f), join(modelDir, f));
  await writeFile(join(modelDir, 'shards', 'weird name\\x.bin'), 'escaped path');
  await copyFile(join(corpus, 'malicious', 'builtins_eval_p2.pkl'), join(work, 'builtins_eval_p2.pkl'));
  await copyFile(join(corpus, 'malicious', 'unknown_class_main.pkl'), join(work, 'unknown.pkl'));
  await copyFile(join(corpus, 'benign', 'plain_proto4.pkl'), join(work, 'ok.pkl'));

  const blobs = new OciBlobs();
  const layer = buildLayer([
    {
      name: 'srv/app/settings.json',
      body: await readFile(join(corpus, 'malicious', 'builtins_eval_p2.pkl')),
    },
    { name: 'srv/model.safetensors', body: await readFile(join(corpus, 'benign', 'model.safetensors')) },
  ]);
  const image = blobs.image([layer]);
  layout = join(work, 'layout');
  await writeFiles(layout, blobs.layoutFiles([{ descriptor: image.manifest, refName: 'v1' }]));
  await writeFile(join(work, 'app.tar'), tarOfFiles(dockerArchiveFiles([{ repoTags: ['app:1'], image }])));
});

afterAll(() => rm(work, { recursive: true, force: true }));

describe('bosun model hash / verify', () => {
  it('writes a manifest that sha256sum -c accepts, and verify passes on the intact directory', async () => {
    const hashed = await bosun(['model', 'hash', 'model']);
    expect(hashed.code).toEqual(0);
    await writeFile(join(work, 'models.sha256'), hashed.out);
    // coreutils agrees line for line (it escapes the backslash the same way).
    const ours = hashed.out.split('\n').filter(Boolean).sort();
    const files = ours.map((l) => l.replace(/^\\?[0-9a-f]{64} {2}/, '').replace(/\\\\/g, '\\'));
    const theirs = execFileSync('sha256sum', ['--', ...files], { cwd: modelDir, encoding: 'utf8' });
    expect(theirs.split('\n').filter(Boolean).sort()).toEqual(ours);
    expect(
      execFileSync('sha256sum', ['-c', join(work, 'models.sha256')], { cwd: modelDir, encoding: 'utf8' }),
    ).toContain('model.safetensors: OK');
    const verified = await bosun(['model', 'verify', '--manifest', 'models.sha256', 'model']);
    expect([verified.code, verified.err]).toEqual([0, '']);
    expect(verified.out).toEqual('OK: 5 files match models.sha256\n');
  });

  it('fails after one byte changes, naming the file; sha256sum -c agrees', async () => {
    const dir = join(work, 'tampered');
    await mkdir(dir);
    for (const f of ['model.safetensors', 'config.json']) await copyFile(join(modelDir, f), join(dir, f));
    await writeFile(join(work, 'tampered.sha256'), (await bosun(['model', 'hash', 'tampered'])).out);
    const bytes = await readFile(join(dir, 'model.safetensors'));
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    await writeFile(join(dir, 'model.safetensors'), bytes);
    const verified = await bosun(['model', 'verify', '--manifest', 'tampered.sha256', 'tampered']);
    expect([verified.code, verified.err]).toEqual([1, 'changed: model.safetensors\n']);
    expect(() =>
      execFileSync('sha256sum', ['-c', join(work, 'tampered.sha256')], { cwd: dir, stdio: 'pipe' }),
    ).toThrow();
  });

  it('lists missing and extra files on stderr', async () => {
    const dir = join(work, 'moved');
    await mkdir(dir);
    await copyFile(join(modelDir, 'config.json'), join(dir, 'config.json'));
    await copyFile(join(modelDir, 'model.safetensors'), join(dir, 'model.safetensors'));
    await writeFile(join(work, 'moved.sha256'), (await bosun(['model', 'hash', 'moved'])).out);
    await rm(join(dir, 'config.json'));
    await writeFile(join(dir, 'extra.bin'), 'x');
    const verified = await bosun(['model', 'verify', '--manifest', 'moved.sha256', 'moved']);
    expect([verified.code, verified.err]).toEqual([1, 'missing: config.json\nextra: extra.bin\n']);
    expect(
      (await bosun(['model', 'verify', '--manifest', 'moved.sha256', '--allow-extra', 'moved'])).err,
    ).toEqual('missing: config.json\n');
  });

  it('leaves a manifest written inside the directory out of it', async () => {
    const dir = join(work, 'self');
    await mkdir(dir);
    await copyFile(join(modelDir, 'config.json'), join(dir, 'config.json'));
    expect((await bosun(['model', 'hash', 'self', '-o', 'self/models.sha256'])).code).toEqual(0);
    expect((await readFile(join(dir, 'models.sha256'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(1);
    expect((await bosun(['model', 'verify', '--manifest', 'self/models.sha256', 'self'])).code).toEqual(0);
  });

  it.each([
    ['no manifest flag', ['model', 'verify', 'model']],
    ['a missing manifest', ['model', 'verify', '--manifest', 'nope.sha256', 'model']],
    ['a directory that is not one', ['model', 'hash', 'ok.pkl']],
  ])('exits 2 for %s', async (_name, argv) => {
    expect((await bosun(argv)).code).toEqual(2);
  });

  it('exits 2 for a manifest that is not sha256sum output', async () => {
    await writeFile(join(work, 'bad.sha256'), 'not a manifest\n');
    expect((await bosun(['model', 'verify', '--manifest', 'bad.sha256', 'model'])).code).toEqual(2);
  });
});

describe('bosun model scan', () => {
  it.each([
    ['a malicious pickle, default exit code', ['builtins_eval_p2.pkl'], 0],
    ['a malicious pickle, --exit-code 1', ['builtins_eval_p2.pkl', '--exit-code', '1'], 1],
    ['a malicious pickle, --exit-code 7', ['builtins_eval_p2.pkl', '--exit-code', '7'], 7],
    ['a benign pickle, --exit-code 1', ['ok.pkl', '--exit-code', '1'], 0],
    ['a benign directory, --exit-code 1', ['model', '--exit-code', '1'], 0],
    [
      'an unknown callable allowed by --allow-global',
      ['unknown.pkl', '--exit-code', '1', '--allow-global', '__main__.Net'],
      0,
    ],
    ['an unknown callable', ['unknown.pkl', '--exit-code', '1'], 1],
    [
      'a dangerous callable cannot be allowed',
      ['builtins_eval_p2.pkl', '--exit-code', '1', '--allow-global', 'builtins.eval'],
      1,
    ],
    ['an image layout', ['layout', '--exit-code', '1'], 1],
    ['a docker-archive tar', ['app.tar', '--exit-code', '1'], 1],
    ['an unknown preset', ['ok.pkl', '--allow', 'python,nope'], 2],
    ['a bad --exit-code', ['ok.pkl', '--exit-code', 'one'], 2],
    ['an unknown format', ['ok.pkl', '--format', 'xml'], 2],
    ['a missing config', ['ok.pkl', '--config', 'nope.yaml'], 2],
  ])('%s', async (_name, args, code) => {
    const result = await bosun(['model', 'scan', ...args]);
    expect(result.code, result.err).toEqual(code);
  });

  it('prints a table naming the callable, its chain and offset', async () => {
    const { out } = await bosun(['model', 'scan', 'builtins_eval_p2.pkl']);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^FILE +FORMAT +VERDICT +SEVERITY +CALLABLE \/ CHAIN +OFFSET$/);
    expect(lines.find((l) => l.includes('__builtin__.eval'))).toMatch(
      /^builtins_eval_p2\.pkl +pickle +FAIL +CRITICAL +__builtin__\.eval \(REDUCE @\d+ .*\) +\d+$/,
    );
    expect(lines.at(-2)).toEqual('1 file: 1 failed, 0 passed, 0 skipped (no model format)');
  });

  it('scans an image and names the path and layer of each model file', async () => {
    const { out } = await bosun(['model', 'scan', `oci:${layout}:v1`, '--format', 'json']);
    const doc = JSON.parse(out) as {
      target: { kind: string; digest: string };
      summary: unknown;
      results: { file: string; verdict: string; layer: { index: number; digest: string } }[];
    };
    expect(doc.target.kind).toEqual('image');
    expect(doc.summary).toEqual({ files: 2, failed: 1, passed: 1, skipped: 0 });
    expect(doc.results.map((r) => [r.file, r.verdict, r.layer.index, r.layer.digest.slice(0, 7)])).toEqual([
      ['srv/app/settings.json', 'fail', 0, 'sha256:'],
      ['srv/model.safetensors', 'pass', 0, 'sha256:'],
    ]);
  });

  it('writes JSON with a summary and every result', async () => {
    const { out } = await bosun(['model', 'scan', 'model', '--format', 'json']);
    const doc = JSON.parse(out) as {
      schemaVersion: number;
      target: unknown;
      summary: unknown;
      results: { file: string }[];
    };
    expect(doc.schemaVersion).toEqual(1);
    expect(doc.target).toEqual({ kind: 'path', name: 'model' });
    expect(doc.results.map((r) => r.file)).toEqual([
      'config.json',
      'model.safetensors',
      'shards/weird name\\x.bin',
      'state_dict_zip.pt',
      'tokenizer_config.json',
    ]);
  });

  it('writes SARIF 2.1.0 that the schema and the SARIF SDK accept, one rule per finding kind', async () => {
    const { out } = await bosun(['model', 'scan', layout, '--format', 'sarif']);
    const log = JSON.parse(out) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const rules = log.runs[0]?.tool.driver.rules?.map((r) => r.id) ?? [];
    expect(rules).toEqual([...new Set(rules)]);
    expect(rules).toContain('bosun-model/dangerous-callable');
    expect(log.runs[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toEqual(
      'srv/app/settings.json',
    );
    // SARIF2005 asks for tool.driver.informationUri: Bosun has no published home page yet.
    expect(validateSarif(log).filter((f) => f.ruleId !== 'SARIF2005')).toEqual([]);
  }, 180_000);

  it('reads the allow-list from bosun-models.yaml', async () => {
    await writeFile(
      join(work, 'bosun-models.yaml'),
      'allow:\n  presets: [python, torch, numpy]\n  globals: ["__main__.Net"]\nexitCode: 3\n',
    );
    expect((await bosun(['model', 'scan', 'unknown.pkl', '--config', 'bosun-models.yaml'])).code).toEqual(0);
    expect(
      (await bosun(['model', 'scan', 'builtins_eval_p2.pkl', '--config', 'bosun-models.yaml'])).code,
    ).toEqual(3);
  });

  it.each([
    ['a typo', 'alow:\n  globals: [x.y]\n'],
    ['an unknown preset', 'allow:\n  presets: [pytorch]\n'],
    ['a bad global', 'allow:\n  globals: ["os system"]\n'],
    ['a bad limit', 'limits:\n  maxDepth: -1\n'],
    ['an exit code out of range', 'exitCode: 300\n'],
    ['not YAML', 'allow: [\n'],
  ])('rejects a config with %s', (_name, text) => {
    expect(() => parseModelConfig(text, 'bosun-models.yaml')).toThrow(
      expect.objectContaining({ code: 'CLI_USAGE' }),
    );
  });

  it('parses any config text into a config or a CLI_USAGE error', () => {
    const seed =
      'allow:\n  presets: [python, torch]\n  globals: ["a.b", "c.*"]\nexitCode: 1\nlimits:\n  maxDepth: 4\n';
    fc.assert(
      fc.property(mutatedText(seed), (text) => {
        const config = valueOrBosunError(() => parseModelConfig(text, 'bosun-models.yaml'), ['CLI_USAGE']);
        expect(config === undefined || Array.isArray(config.globals)).toBe(true);
      }),
    );
  });
});

describe('bosun model convert-check', () => {
  it.each([
    ['benign/state_dict_zip.pt', 'tensors only'],
    ['benign/whole_module_zip.pt', 'not tensors only'],
  ])('%s: %s, exit 0', async (file, text) => {
    const result = await bosun(['model', 'convert-check', join(corpus, file)]);
    expect(result.code).toEqual(0);
    expect(result.out).toContain(`: ${text}`);
  });
});

describe('bosun model --help', () => {
  it.each(['scan', 'hash', 'verify', 'convert-check'])('%s has examples', async (verb) => {
    const result = await bosun(['model', verb, '--help']);
    expect(result.code).toEqual(0);
    expect(result.out).toContain(`Examples:\n  bosun model ${verb}`);
  });
});

describe('README init container', () => {
  it('is a valid Deployment whose init container runs a working `model verify`', async () => {
    const readme = await readFile(new URL('../../../README.md', import.meta.url), 'utf8');
    const block = /### Models[\s\S]*?```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    const deployment = parseYaml(block ?? '') as Record<string, unknown>;
    expect(await validateKubernetesObject(deployment)).toEqual(undefined);
    const pod = (deployment as { spec: { template: { spec: { initContainers: { args: string[] }[] } } } })
      .spec.template.spec;
    const args = pod.initContainers[0]?.args ?? [];
    // The same arguments against a local directory laid out like the volumes.
    const root = join(work, 'init');
    await mkdir(join(root, 'models'), { recursive: true });
    await mkdir(join(root, 'pins'));
    await writeFile(
      join(root, 'models', 'model.safetensors.index.json'),
      JSON.stringify({
        weight_map: { w: 'model.safetensors', b: 'model.safetensors', h: 'model.safetensors' },
      }),
    );
    await copyFile(join(corpus, 'benign', 'model.safetensors'), join(root, 'models', 'model.safetensors'));
    await writeFile(join(root, 'pins', 'models.sha256'), (await bosun(['model', 'hash', 'init/models'])).out);
    const local = args.map((a) => (a.startsWith('/') ? join(root, a) : a));
    const verified = await bosun(local);
    expect(verified.code, verified.err).toEqual(0);
  });
});
