// Go's encoding/json as a reference serialiser (Debian golang-go, standard library only): the
// sign tests compare Bosun's Go-compatible JSON with what Go itself marshals.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

// Each input line is {"mode": ..., "value": ...}; each output line is Go's marshalling of it:
// "any" round-trips through interface{} (as cosign does with annotations and JSON predicates),
// "payload" fills the simple-signing struct layout, "statement" the in-toto v0.1 layout.
const PROGRAM = `package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
)

type identity struct {
	DockerReference string \`json:"docker-reference"\`
}
type image struct {
	DockerManifestDigest string \`json:"docker-manifest-digest"\`
}
type critical struct {
	Identity identity \`json:"identity"\`
	Image    image    \`json:"image"\`
	Type     string   \`json:"type"\`
}
type simple struct {
	Critical critical               \`json:"critical"\`
	Optional map[string]interface{} \`json:"optional"\`
}
type subject struct {
	Name   string            \`json:"name"\`
	Digest map[string]string \`json:"digest"\`
}
type statement struct {
	Type          string      \`json:"_type"\`
	PredicateType string      \`json:"predicateType"\`
	Subject       []subject   \`json:"subject"\`
	Predicate     interface{} \`json:"predicate"\`
}
type line struct {
	Mode  string          \`json:"mode"\`
	Value json.RawMessage \`json:"value"\`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var l line
		if err := json.Unmarshal(in.Bytes(), &l); err != nil {
			panic(err)
		}
		var target interface{}
		switch l.Mode {
		case "payload":
			target = &simple{}
		case "statement":
			target = &statement{}
		default:
			var v interface{}
			target = &v
		}
		if err := json.Unmarshal(l.Value, target); err != nil {
			panic(err)
		}
		b, err := json.Marshal(target)
		if err != nil {
			panic(err)
		}
		fmt.Fprintln(out, string(b))
	}
}
`;

// \u0008 or \u000c preceded by an even number of backslashes (so not an escaped backslash's text).
const OLD_ESCAPES = /(?<!\\)((?:\\\\)*)\\u(0008|000c)/g;

export type GoJsonMode = 'any' | 'payload' | 'statement';

/**
 * Marshals each value with Go. Go before 1.22 escaped \\b and \\f as \\u0008 and \\u000c; cosign is
 * built with a newer Go, so those two escapes are normalised to the current form.
 */
export async function goMarshal(items: readonly { mode: GoJsonMode; value: unknown }[]): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-go-json-'));
  try {
    const file = join(dir, 'main.go');
    await writeFile(file, PROGRAM);
    const input = items.map((item) => JSON.stringify(item)).join('\n');
    const child = run('go', ['run', file], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
      env: { ...process.env, GO111MODULE: 'off', GOCACHE: join(tmpdir(), 'bosun-go-cache'), GOFLAGS: '' },
    });
    child.child.stdin?.end(input);
    const { stdout } = await child;
    return stdout
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l) =>
        l.replace(
          OLD_ESCAPES,
          (_m, slashes: string, code: string) => `${slashes}\\${code === '0008' ? 'b' : 'f'}`,
        ),
      );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
