import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPrivateKey, loadPublicKey, signBlob, verifyBlob } from '../../sign/index.ts';
import { run } from '../main.ts';
import { memoryIo } from '../test-io.ts';

const exec = promisify(execFile);
let work: string;
let counter = 0;

/**
 * Runs `bosun` on a real pseudo-terminal (python3's pty module) and types each answer after each
 * password prompt; prints everything the terminal showed, exits with bosun's exit code.
 */
const PTY_DRIVER = `
import os, pty, select, sys, time
answers = [a.encode() + b'\\r' for a in sys.argv[1].split(',')]
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
shown = b''
deadline = time.time() + 60
while time.time() < deadline:
    if not select.select([fd], [], [], 0.2)[0]:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    shown += data
    if b'password' in data and answers:
        os.write(fd, answers.pop(0))
sys.stdout.write(shown.decode('utf8', 'replace'))
sys.exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
`;
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'bosun-cli-keys-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A fresh directory per test, so files of one never block another. */
async function freshDir(): Promise<string> {
  const dir = join(work, `t${++counter}`);
  await mkdir(dir);
  return dir;
}

async function bosun(
  argv: string[],
  cwd: string,
  options: { stdin?: string; env?: Record<string, string> } = {},
) {
  const io = memoryIo({ ...options, cwd });
  const code = await run(argv, io);
  return { code, out: io.out(), err: io.err() };
}

describe('bosun generate-key-pair', () => {
  it.each([
    ['COSIGN_PASSWORD', { env: { COSIGN_PASSWORD: 'hunter2' } }, 'hunter2'],
    ['BOSUN_PASSWORD', { env: { BOSUN_PASSWORD: 'b-pass' } }, 'b-pass'],
    [
      'BOSUN_PASSWORD before COSIGN_PASSWORD',
      { env: { BOSUN_PASSWORD: 'bosun-first', COSIGN_PASSWORD: 'cosign-second' } },
      'bosun-first',
    ],
    ['an empty COSIGN_PASSWORD', { env: { COSIGN_PASSWORD: '' } }, ''],
    ['one line of piped stdin', { stdin: 'from-stdin\r\nignored\n' }, 'from-stdin'],
  ])(
    'writes cosign.key (0600) and cosign.pub with the password from %s',
    async (_name, options, password) => {
      const dir = await freshDir();
      const { code, out, err } = await bosun(['generate-key-pair'], dir, options);
      expect(code).toBe(0);
      expect(out).toBe('');
      expect(err).toContain('Private key written to cosign.key');
      const [keyPem, pubPem, keyStat, pubStat] = await Promise.all([
        readFile(join(dir, 'cosign.key'), 'utf8'),
        readFile(join(dir, 'cosign.pub'), 'utf8'),
        stat(join(dir, 'cosign.key')),
        stat(join(dir, 'cosign.pub')),
      ]);
      const key = await loadPrivateKey(keyPem, password);
      const pub = loadPublicKey(pubPem);
      const message = Buffer.from('hello');
      expect({
        label: keyPem.split('\n')[0],
        keyMode: keyStat.mode & 0o777,
        pubMode: pubStat.mode & 0o777,
        algorithm: key.algorithm,
        pairs: verifyBlob(pub, message, signBlob(key, message)),
      }).toEqual({
        label: '-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----',
        keyMode: 0o600,
        pubMode: 0o644,
        algorithm: 'ecdsa-p256',
        pairs: true,
      });
      expect(err).not.toContain(password === '' ? 'never-empty' : password);
    },
  );

  it('honours --output-key-prefix with a directory', async () => {
    const dir = await freshDir();
    await mkdir(join(dir, 'keys'));
    const { code } = await bosun(['generate-key-pair', '--output-key-prefix', 'keys/release'], dir, {
      env: { COSIGN_PASSWORD: 'x' },
    });
    expect(code).toBe(0);
    await expect(stat(join(dir, 'keys', 'release.key'))).resolves.toBeDefined();
    await expect(stat(join(dir, 'keys', 'release.pub'))).resolves.toBeDefined();
  });

  it.each([
    ['cosign.key', 'existing key'],
    ['cosign.pub', 'existing public key'],
  ])('refuses to overwrite %s and leaves it as it was', async (name, body) => {
    const dir = await freshDir();
    await writeFile(join(dir, name), body);
    const { code, err } = await bosun(['generate-key-pair'], dir, { env: { COSIGN_PASSWORD: 'x' } });
    expect(code).toBe(2);
    expect(err).toContain(name);
    expect(await readFile(join(dir, name), 'utf8')).toBe(body);
    const other = name === 'cosign.key' ? 'cosign.pub' : 'cosign.key';
    await expect(stat(join(dir, other))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('treats a dangling symlink in the way as existing (never followed)', async () => {
    const dir = await freshDir();
    await symlink(join(dir, 'elsewhere'), join(dir, 'cosign.key'));
    const { code } = await bosun(['generate-key-pair'], dir, { env: { COSIGN_PASSWORD: 'x' } });
    expect(code).toBe(2);
    await expect(stat(join(dir, 'elsewhere'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it.each([
    [['generate-key-pair', '--output-key-prefix', 'missing/dir/key']],
    [['generate-key-pair', '--output-key-prefix', '']],
    [['generate-key-pair', '--output-key-prefix', 'dir/']],
    [['generate-key-pair', '--bogus']],
    [['generate-key-pair', 'extra-argument']],
  ])('bosun %j exits 2', async (argv) => {
    const dir = await freshDir();
    const { code } = await bosun(argv, dir, { env: { COSIGN_PASSWORD: 'x' } });
    expect(code).toBe(2);
  });

  it.each([
    ['asks twice on a terminal without echoing', 'typed secret,typed secret', 0],
    ['refuses different answers', 'typed secret,other secret', 2],
  ])('%s', async (_name, answers, exit) => {
    const dir = await freshDir();
    const script = `const m = await import(${JSON.stringify(MAIN)}); process.exitCode = await m.main(['generate-key-pair']);`;
    const result = await exec(
      'python3',
      ['-c', PTY_DRIVER, answers, process.execPath, '--input-type=module', '-e', script],
      {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '' },
      },
    ).then(
      (r) => ({ code: 0, shown: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, shown: e.stdout }),
    );
    expect(result.code).toBe(exit);
    expect(result.shown).toContain('Enter password for private key again:');
    expect(result.shown).not.toContain('secret');
    if (exit === 0) {
      const key = await loadPrivateKey(await readFile(join(dir, 'cosign.key')), 'typed secret');
      expect(key.algorithm).toBe('ecdsa-p256');
    } else {
      await expect(stat(join(dir, 'cosign.key'))).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('--help shows an example and exits 0', async () => {
    const { code, out } = await bosun(['generate-key-pair', '--help'], work);
    expect(code).toBe(0);
    expect(out).toContain('Examples:');
    expect(out).toContain('--output-key-prefix');
  });
});
