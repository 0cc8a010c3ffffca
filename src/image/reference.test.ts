import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BosunError, isBosunError } from '../util/errors.ts';
import {
  MAX_REFERENCE_LENGTH,
  familiarName,
  formatReference,
  parseReference,
  referencePinning,
  repositoryName,
  withDigest,
} from './reference.ts';
import type { ImageReference } from './reference-types.ts';

const SHA256 = `sha256:${'a'.repeat(64)}`;
const SHA256B = `sha256:${'0123456789abcdef'.repeat(4)}`;
const SHA512 = `sha512:${'b'.repeat(128)}`;

type Expected = [registry: string, repository: string, tag: string | undefined, digest: string | undefined];

describe('parseReference: valid', () => {
  it.each<[string, ...Expected]>([
    ['alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['alpine:latest', 'docker.io', 'library/alpine', 'latest', undefined],
    [`alpine@${SHA256}`, 'docker.io', 'library/alpine', undefined, SHA256],
    [`alpine:3.20@${SHA256}`, 'docker.io', 'library/alpine', '3.20', SHA256],
    [`alpine@${SHA512}`, 'docker.io', 'library/alpine', undefined, SHA512],
    ['library/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['docker.io/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['docker.io/library/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['index.docker.io/alpine', 'docker.io', 'library/alpine', 'latest', undefined],
    ['index.docker.io/foo/bar:1', 'docker.io', 'foo/bar', '1', undefined],
    ['foo/bar', 'docker.io', 'foo/bar', 'latest', undefined],
    ['a/b/c/d', 'docker.io', 'a/b/c/d', 'latest', undefined],
    ['docker.io/a/b/c/d:x', 'docker.io', 'a/b/c/d', 'x', undefined],
    ['registry-1.docker.io/foo', 'registry-1.docker.io', 'foo', 'latest', undefined],
    ['ghcr.io/owner/repo:v1.2.3', 'ghcr.io', 'owner/repo', 'v1.2.3', undefined],
    [
      'gcr.io/distroless/static-debian12:nonroot',
      'gcr.io',
      'distroless/static-debian12',
      'nonroot',
      undefined,
    ],
    ['localhost/foo', 'localhost', 'foo', 'latest', undefined],
    ['localhost:5000/foo', 'localhost:5000', 'foo', 'latest', undefined],
    ['localhost:5000/foo/bar:tag', 'localhost:5000', 'foo/bar', 'tag', undefined],
    ['127.0.0.1:5000/x', '127.0.0.1:5000', 'x', 'latest', undefined],
    [`127.0.0.1:5000/x:1@${SHA256}`, '127.0.0.1:5000', 'x', '1', SHA256],
    ['[::1]:5000/foo', '[::1]:5000', 'foo', 'latest', undefined],
    ['[::1]/foo:bar', '[::1]', 'foo', 'bar', undefined],
    ['[2001:db8::1]:443/a/b:c', '[2001:db8::1]:443', 'a/b', 'c', undefined],
    ['[fe80:0:0:0:0:0:0:1]:5000/x', '[fe80:0:0:0:0:0:0:1]:5000', 'x', 'latest', undefined],
    ['myhost:5000/x', 'myhost:5000', 'x', 'latest', undefined],
    ['example.com/x', 'example.com', 'x', 'latest', undefined],
    ['sub-domain.example.com:65535/x', 'sub-domain.example.com:65535', 'x', 'latest', undefined],
    // distribution treats an uppercase first component as a host, since namespaces are lowercase.
    ['Foo/bar', 'Foo', 'bar', 'latest', undefined],
    ['Registry.Example.COM/foo', 'Registry.Example.COM', 'foo', 'latest', undefined],
    // Single components are always Docker Hub official images, even host-like ones.
    ['localhost', 'docker.io', 'library/localhost', 'latest', undefined],
    ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined],
    ['example.com', 'docker.io', 'library/example.com', 'latest', undefined],
    ['a.b_c__d-e--f', 'docker.io', 'library/a.b_c__d-e--f', 'latest', undefined],
    ['foo:UPPER_tag.x-y', 'docker.io', 'library/foo', 'UPPER_tag.x-y', undefined],
    ['foo:_t', 'docker.io', 'library/foo', '_t', undefined],
    [`foo:${'t'.repeat(128)}`, 'docker.io', 'library/foo', 't'.repeat(128), undefined],
    ['0', 'docker.io', 'library/0', 'latest', undefined],
    [`${'a'.repeat(63)}`, 'docker.io', `library/${'a'.repeat(63)}`, 'latest', undefined],
    [`quay.io/${'a'.repeat(255)}`, 'quay.io', 'a'.repeat(255), 'latest', undefined],
  ])('%s', (input, registry, repository, tag, digest) => {
    const ref = parseReference(input);
    expect({ registry: ref.registry, repository: ref.repository, tag: ref.tag, digest: ref.digest }).toEqual({
      registry,
      repository,
      tag,
      digest,
    });
    expect(ref.original).toEqual(input);
  });

  it.each([
    ['alpine', true],
    ['alpine:latest', false],
    [`alpine@${SHA256}`, false],
    [`alpine:1@${SHA256}`, false],
  ])('%s has tagImplied %s', (input, implied) => {
    expect(parseReference(input).tagImplied).toEqual(implied);
  });
});

describe('parseReference: invalid', () => {
  it.each([
    ['', 'empty'],
    ['Foo', 'uppercase single component'],
    ['foo/Bar', 'uppercase path'],
    ['docker.io/Library/alpine', 'uppercase path on docker.io'],
    ['localhost:5000/Foo', 'uppercase after registry'],
    [':tag', 'tag only'],
    ['@' + SHA256, 'digest only'],
    [`alpine@${SHA256}@${SHA256}`, 'double @'],
    ['alpine@@' + SHA256, 'double @ adjacent'],
    ['alpine@sha256:abc', 'short digest'],
    [`alpine@sha256:${'a'.repeat(63)}`, 'digest 63 hex'],
    [`alpine@sha256:${'a'.repeat(65)}`, 'digest 65 hex'],
    [`alpine@sha256:${'A'.repeat(64)}`, 'uppercase hex'],
    [`alpine@sha512:${'a'.repeat(64)}`, 'sha512 with 64 hex'],
    [`alpine@md5:${'a'.repeat(32)}`, 'unknown algorithm'],
    [`alpine@${'a'.repeat(64)}`, 'digest without algorithm'],
    ['alpine@', 'empty digest'],
    [`alpine:${'t'.repeat(129)}`, 'tag of 129 chars'],
    ['alpine:', 'empty tag'],
    ['alpine:-x', 'tag starting with -'],
    ['alpine:.x', 'tag starting with .'],
    ['alpine:a+b', 'tag with +'],
    ['alpine:a:b', 'two tags'],
    ['foo-', 'trailing dash'],
    ['foo.', 'trailing dot'],
    ['foo_', 'trailing underscore'],
    ['-foo', 'leading dash'],
    ['.foo', 'leading dot'],
    ['foo/', 'trailing slash'],
    ['/foo', 'leading slash'],
    ['foo//bar', 'empty component'],
    ['foo..bar', 'double dot'],
    ['foo___bar', 'triple underscore'],
    ['foo._bar', 'mixed separators'],
    ['foo bar', 'space'],
    [' alpine', 'leading space'],
    ['alpine\n', 'trailing newline'],
    ['fóo', 'non-ascii'],
    ['a'.repeat(64), 'bare image id'],
    ['0123456789abcdef'.repeat(4), 'bare image id mixed hex'],
    ['example.com:/foo', 'empty port'],
    ['example.com:99999/foo', 'port too large'],
    ['example.com:123456/foo', 'port too long'],
    ['example.com:ab/foo', 'non-numeric port'],
    ['-example.com/foo', 'host starting with -'],
    ['example-.com/foo', 'host label ending with -'],
    ['exa_mple.com/foo', 'underscore in host'],
    ['example..com/foo', 'empty host label'],
    ['[::1/foo', 'unterminated ipv6'],
    ['[::1]x/foo', 'junk after ipv6'],
    ['[]/foo', 'empty ipv6'],
    ['[::g]/foo', 'bad ipv6 char'],
    ['[1:2:3:4:5:6:7:8:9]/foo', 'too many ipv6 groups'],
    ['[fe80::1%eth0]:5000/foo', 'ipv6 zone id'],
    ['[::ffff:127.0.0.1]/foo', 'ipv4-mapped ipv6'],
    ['[::1]:5000', 'ipv6 registry only'],
    [`quay.io/${'a'.repeat(256)}`, 'repository of 256 chars'],
    [`${'a'.repeat(250)}`, 'docker hub name over 255 after library/'],
    [`${'a'.repeat(256)}.com/x`, 'registry host over 255 chars'],
    ['x'.repeat(MAX_REFERENCE_LENGTH + 1), 'input over the length limit'],
  ])('%j (%s)', (input) => {
    let thrown: unknown;
    try {
      parseReference(input);
    } catch (error) {
      thrown = error;
    }
    expect(isBosunError(thrown, 'REFERENCE_INVALID')).toEqual(true);
  });

  it.each([
    ['Foo', 'repository must be lowercase'],
    ['alpine:a+b', 'invalid tag'],
    ['alpine@sha256:abc', 'invalid digest'],
    [`alpine@${SHA256}@x`, "more than one '@'"],
    ['example.com:99999/x', 'invalid registry port'],
    ['foo-', 'invalid repository path component'],
  ])('%j says %j', (input, what) => {
    expect(() => parseReference(input)).toThrow(what);
  });
});

describe('formatReference and helpers', () => {
  it.each([
    ['alpine', {}, 'docker.io/library/alpine'],
    ['alpine', { impliedTag: true }, 'docker.io/library/alpine:latest'],
    ['alpine', { familiar: true }, 'alpine'],
    ['alpine:3.20', {}, 'docker.io/library/alpine:3.20'],
    ['alpine:3.20', { tag: false }, 'docker.io/library/alpine'],
    [`alpine:3.20@${SHA256}`, {}, `docker.io/library/alpine:3.20@${SHA256}`],
    [`alpine:3.20@${SHA256}`, { digest: false }, 'docker.io/library/alpine:3.20'],
    [`alpine:3.20@${SHA256}`, { familiar: true, tag: false }, `alpine@${SHA256}`],
    ['foo/bar:1', { familiar: true }, 'foo/bar:1'],
    ['docker.io/library/a/b', { familiar: true }, 'library/a/b'],
    ['[::1]:5000/x:y', {}, '[::1]:5000/x:y'],
    ['[::1]:5000/x:y', { familiar: true }, '[::1]:5000/x:y'],
  ])('%s with %j → %s', (input, options, expected) => {
    expect(formatReference(parseReference(input), options)).toEqual(expected);
  });

  it.each([
    ['alpine', 'alpine', 'docker.io/library/alpine'],
    ['index.docker.io/library/alpine', 'alpine', 'docker.io/library/alpine'],
    ['foo/bar', 'foo/bar', 'docker.io/foo/bar'],
    ['ghcr.io/a/b', 'ghcr.io/a/b', 'ghcr.io/a/b'],
    ['localhost:5000/a', 'localhost:5000/a', 'localhost:5000/a'],
  ])('%s: familiar %s, repository name %s', (input, familiar, full) => {
    const ref = parseReference(input);
    expect([familiarName(ref), repositoryName(ref)]).toEqual([familiar, full]);
  });

  it.each([
    ['alpine:3.20', `docker.io/library/alpine:3.20@${SHA256B}`, 'alpine:3.20@' + SHA256B],
    ['alpine', `docker.io/library/alpine:latest@${SHA256B}`, 'alpine:latest@' + SHA256B],
    [`ghcr.io/a/b:v1@${SHA256}`, `ghcr.io/a/b:v1@${SHA256B}`, `ghcr.io/a/b:v1@${SHA256B}`],
    [`ghcr.io/a/b@${SHA256}`, `ghcr.io/a/b@${SHA256B}`, `ghcr.io/a/b@${SHA256B}`],
  ])('withDigest(%s)', (input, formatted, original) => {
    const pinned = withDigest(parseReference(input), SHA256B);
    expect([formatReference(pinned), pinned.original, pinned.tagImplied]).toEqual([
      formatted,
      original,
      false,
    ]);
    expect(stripOriginal(parseReference(formatReference(pinned)))).toEqual(stripOriginal(pinned));
  });

  it('withDigest rejects a malformed digest', () => {
    expect(() => withDigest(parseReference('alpine'), 'sha256:xyz')).toThrow(BosunError);
  });

  it.each([
    ['alpine', { mutable: true, latest: true, pinned: false }],
    ['alpine:latest', { mutable: true, latest: true, pinned: false }],
    ['alpine:3.20', { mutable: true, latest: false, pinned: false }],
    [`alpine@${SHA256}`, { mutable: false, latest: false, pinned: true }],
    [`alpine:3.20@${SHA256}`, { mutable: false, latest: false, pinned: true }],
    [`alpine:latest@${SHA256}`, { mutable: false, latest: true, pinned: true }],
  ])('referencePinning(%s)', (input, expected) => {
    expect(referencePinning(parseReference(input))).toEqual(expected);
  });
});

function stripOriginal(ref: ImageReference): Omit<ImageReference, 'original'> {
  const { original: _original, ...rest } = ref;
  return rest;
}

// Generators for valid references, built from the grammar pieces.
const alnum = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
  minLength: 1,
  maxLength: 6,
});
const separator = fc.constantFrom('.', '_', '__', '-', '--', '---');
const pathComponent = fc
  .tuple(alnum, fc.array(fc.tuple(separator, alnum), { maxLength: 3 }))
  .map(([head, tail]) => head + tail.map(([s, a]) => s + a).join(''));
const path = fc.array(pathComponent, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
const label = fc.stringMatching(/^[A-Za-z0-9]([A-Za-z0-9-]{0,8}[A-Za-z0-9])?$/);
const host = fc.oneof(
  fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.constant('localhost'),
  fc.constantFrom('[::1]', '[2001:db8::5]', '[fe80:0:0:0:0:0:0:1]'),
  fc.ipV4(),
);
const registry = fc.option(
  fc
    .tuple(host, fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined }))
    .map(([h, port]) => (port === undefined ? h : `${h}:${port}`)),
  { nil: undefined },
);
const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
const digest = fc.oneof(
  fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `sha256:${hex}`),
  fc.stringMatching(/^[0-9a-f]{128}$/).map((hex) => `sha512:${hex}`),
);
const validReference = fc
  .tuple(registry, path, fc.option(tag, { nil: undefined }), fc.option(digest, { nil: undefined }))
  // Without a registry, a host-like first component (`a.b/c`) would be read as a registry.
  .filter(([r, p]) => r !== undefined || !/^(?:[^/]*\.[^/]*|localhost)\//.test(p))
  .map(
    ([r, p, t, d]) =>
      `${r === undefined ? '' : `${r}/`}${p}${t === undefined ? '' : `:${t}`}${d === undefined ? '' : `@${d}`}`,
  );

describe('parseReference: properties', () => {
  it('any string yields a reference or REFERENCE_INVALID, nothing else', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: fc.constantFrom(...'aZ09:/@._-[]'), maxLength: 80 }),
          validReference.map((s) => s.replace(/./, (c) => c.toUpperCase())),
        ),
        (input) => {
          try {
            const ref = parseReference(input);
            expect(typeof ref.repository).toEqual('string');
          } catch (error) {
            expect(isBosunError(error, 'REFERENCE_INVALID')).toEqual(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('generated valid references parse, and parse(format(parse(x))) equals parse(x)', () => {
    fc.assert(
      fc.property(validReference, fc.boolean(), (input, familiar) => {
        const ref = parseReference(input);
        const again = parseReference(formatReference(ref, { familiar }));
        expect(stripOriginal(again)).toEqual(stripOriginal(ref));
      }),
      { numRuns: 2000 },
    );
  });
});
