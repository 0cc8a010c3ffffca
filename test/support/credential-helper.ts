// A real docker credential helper for tests: a POSIX shell script `docker-credential-<name>` in a
// temp dir, speaking the docker-credential-helpers protocol (store/get/erase/list on argv[1], the
// request on stdin). `store` appends docker's JSON line to store.jsonl and `get` finds it again, so
// the docker CLI can log in through it. A few server names trigger fixed behaviours for tests.
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCredentialHelper {
  /** Directory holding the script: pass as the helper search path. */
  readonly dir: string;
  /** The name to put in config.json (`credsStore`/`credHelpers`). */
  readonly name: string;
  /** `action input` per invocation, in order. */
  calls(): Promise<string[]>;
  cleanup(): Promise<void>;
}

/** Server names with fixed answers (everything else is looked up in the store). */
export const HELPER_SERVERS = {
  identityToken: 'token.example',
  locked: 'locked.example',
  garbage: 'garbage.example',
  failWithJson: 'json-fail.example',
  slow: 'slow.example',
  empty: 'empty.example',
  huge: 'huge.example',
} as const;

/** Secrets the fixed answers contain; tests check they never reach an error message. */
export const HELPER_SECRETS = ['identity-SECRET-1', 'garbage-SECRET-2', 'jsonfail-SECRET-3'] as const;

const SCRIPT = `#!/bin/sh
dir=$(dirname "$0")
input=$(cat)
printf '%s %s\\n' "$1" "$input" >> "$dir/calls.log"
case "$1" in
  store) printf '%s\\n' "$input" >> "$dir/store.jsonl"; exit 0 ;;
  erase|list) echo '{}'; exit 0 ;;
  get) ;;
  *) echo "unknown action $1"; exit 1 ;;
esac
case "$input" in
  ${HELPER_SERVERS.identityToken}) printf '{"ServerURL":"%s","Username":"<token>","Secret":"${HELPER_SECRETS[0]}"}' "$input"; exit 0 ;;
  ${HELPER_SERVERS.locked}) echo "error getting credentials: keychain is locked" >&2; echo "keychain is locked"; exit 2 ;;
  ${HELPER_SERVERS.garbage}) echo "${HELPER_SECRETS[1]} is not json"; exit 0 ;;
  ${HELPER_SERVERS.failWithJson}) printf '{"Username":"u","Secret":"${HELPER_SECRETS[2]}"}'; exit 1 ;;
  ${HELPER_SERVERS.slow}) exec sleep 30 ;;
  ${HELPER_SERVERS.empty}) printf '{"ServerURL":"%s","Username":"","Secret":""}' "$input"; exit 0 ;;
  ${HELPER_SERVERS.huge}) head -c 300000 /dev/zero | tr '\\000' 'a'; exit 0 ;;
esac
line=$(grep -F "\\"ServerURL\\":\\"$input\\"," "$dir/store.jsonl" 2>/dev/null | tail -n 1)
if [ -n "$line" ]; then printf '%s' "$line"; exit 0; fi
echo "credentials not found in native keychain"
exit 1
`;

/** Writes the helper script; `stored` pre-fills its store with `{ServerURL, Username, Secret}` entries. */
export async function createTestCredentialHelper(
  stored: readonly { ServerURL: string; Username: string; Secret: string }[] = [],
  name = 'bosuntest',
): Promise<TestCredentialHelper> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-credhelper-'));
  const script = join(dir, `docker-credential-${name}`);
  await writeFile(script, SCRIPT);
  await chmod(script, 0o755);
  await writeFile(join(dir, 'store.jsonl'), stored.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  return {
    dir,
    name,
    async calls() {
      try {
        return (await readFile(join(dir, 'calls.log'), 'utf8')).split('\n').filter((line) => line !== '');
      } catch {
        return [];
      }
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
