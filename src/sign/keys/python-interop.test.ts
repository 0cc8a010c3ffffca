// Cosign's encrypted key format checked against an independent implementation: Python's
// hashlib.scrypt + PyNaCl's SecretBox (Debian python3-nacl), in both directions.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { opensslOk, tempDir } from '../../../test/support/openssl-cli.ts';
import { SCRYPT_COSTS } from './encrypted.ts';
import { generateKeyPair } from './generate.ts';
import { ENCRYPTED_KEY_LABELS, loadPrivateKey } from './load.ts';

const run = promisify(execFile);
// Debian's interpreter, where python3-nacl is installed (not a pyenv python on PATH).
const PYTHON = '/usr/bin/python3';

const DECRYPT = `
import base64, hashlib, json, re, sys
from nacl.secret import SecretBox
text = open(sys.argv[1]).read()
m = re.search(r"-----BEGIN ([A-Z ]+)-----\\n(.*?)\\n-----END \\1-----", text, re.S)
doc = json.loads(base64.b64decode(m.group(2)))
params = doc["kdf"]["params"]
key = hashlib.scrypt(sys.argv[2].encode(), salt=base64.b64decode(doc["kdf"]["salt"]),
                     n=params["N"], r=params["r"], p=params["p"], maxmem=512 * 1024 * 1024, dklen=32)
der = SecretBox(key).decrypt(base64.b64decode(doc["ciphertext"]), base64.b64decode(doc["cipher"]["nonce"]))
print(m.group(1) + "|" + str(params["N"]) + "|" + der.hex())
`;

const ENCRYPT = `
import base64, hashlib, json, os, sys
from nacl.secret import SecretBox
der = open(sys.argv[1], "rb").read()
salt, nonce, n = os.urandom(32), os.urandom(24), int(sys.argv[4])
key = hashlib.scrypt(sys.argv[2].encode(), salt=salt, n=n, r=8, p=1, maxmem=512 * 1024 * 1024, dklen=32)
box = SecretBox(key).encrypt(der, nonce)
doc = {"kdf": {"name": "scrypt", "params": {"N": n, "r": 8, "p": 1}, "salt": base64.b64encode(salt).decode()},
       "cipher": {"name": "nacl/secretbox", "nonce": base64.b64encode(nonce).decode()},
       "ciphertext": base64.b64encode(box.ciphertext).decode()}
body = base64.b64encode(json.dumps(doc).encode()).decode()
lines = "\\n".join(body[i:i + 64] for i in range(0, len(body), 64))
sys.stdout.write("-----BEGIN %s-----\\n%s\\n-----END %s-----\\n" % (sys.argv[3], lines, sys.argv[3]))
`;

async function python(script: string, args: readonly string[]): Promise<string> {
  const { stdout } = await run(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return stdout.trim();
}

let dir = '';
let cleanup: () => Promise<void> = async () => {};
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('sign-python'));
});
afterAll(() => cleanup());

const CASES = ENCRYPTED_KEY_LABELS.flatMap((label) => SCRYPT_COSTS.map((cost) => [label, cost] as const));

describe('Python decrypts keys Bosun generates', () => {
  it.each(CASES)('%s, N=%i', async (label, cost) => {
    const pair = await generateKeyPair('pässwörd 1', { label, cost });
    const file = join(dir, `bosun-${cost}-${label.split(' ')[1] ?? ''}.key`);
    await writeFile(file, pair.privatePem);
    const [seenLabel, seenCost, derHex] = (await python(DECRYPT, [file, 'pässwörd 1'])).split('|');
    const key = await loadPrivateKey(pair.privatePem, 'pässwörd 1');
    expect({ seenLabel, seenCost }).toEqual({ seenLabel: label, seenCost: String(cost) });
    expect(derHex).toEqual(key.keyObject.export({ type: 'pkcs8', format: 'der' }).toString('hex'));
  });
});

describe('Bosun reads keys Python encrypts', () => {
  it.each(CASES)('%s, N=%i', async (label, cost) => {
    const derFile = join(dir, `openssl-${cost}.der`);
    const pemFile = join(dir, `openssl-${cost}.pem`);
    await opensslOk(
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pemFile],
      dir,
    );
    // PKCS#8 DER, as cosign encrypts (genpkey's own DER output is SEC 1 for EC keys).
    await opensslOk(['pkcs8', '-topk8', '-nocrypt', '-in', pemFile, '-outform', 'DER', '-out', derFile], dir);
    const pem = await python(ENCRYPT, [derFile, 'open sesame', label, String(cost)]);
    const key = await loadPrivateKey(`${pem}\n`, 'open sesame');
    expect(key.algorithm).toEqual('ecdsa-p256');
    expect(key.keyObject.export({ type: 'pkcs8', format: 'der' })).toEqual(await readFile(derFile));
    await expect(loadPrivateKey(`${pem}\n`, 'open sesamE')).rejects.toMatchObject({
      code: 'SIGN_KEY_PASSWORD',
    });
  });
});
