import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { javaFixtures, javaToolsAvailable } from '../../../../test/support/java-fixtures.ts';
import { mutatedBytes, valueOrBosunError } from '../../../../test/support/parser-property.ts';
import { DEFAULT_JAVA_LIMITS, parseJavaArchive, splitJarFileName } from './java-archive.ts';
import { javaArchiveAnalyzer } from './java.ts';
import { parseManifest } from './manifest.ts';
import { listZipEntries, readZipEntry } from './zip.ts';

const DEBIAN_JARS = '/usr/share/java';
const debianJars = existsSync(DEBIAN_JARS)
  ? readdirSync(DEBIAN_JARS)
      .filter((f) => f.endsWith('.jar') && !lstatSync(`${DEBIAN_JARS}/${f}`).isSymbolicLink())
      .slice(0, 40)
  : [];

const summary = (bytes: Uint8Array, path: string) =>
  parseJavaArchive(bytes, { path }).packages.map((p) => [
    p.purl,
    p.properties?.archivePath,
    p.properties?.evidence,
  ]);

describe.runIf(debianJars.length > 0)('zip reader on Debian-packaged jars (compared with unzip)', () => {
  it.each(debianJars.slice(0, 12))('%s: same entry list as unzip -Z1, same bytes as unzip -p', (file) => {
    const path = `${DEBIAN_JARS}/${file}`;
    const bytes = readFileSync(path);
    const entries = listZipEntries(bytes, path);
    const names = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .filter((l) => l.length > 0);
    expect(entries.map((e) => e.name)).toEqual(names);
    for (const entry of entries.filter((e) => !e.name.endsWith('/')).slice(0, 25)) {
      const expected = execFileSync('unzip', ['-p', path, entry.name], { maxBuffer: 64 << 20 });
      expect(Buffer.from(readZipEntry(bytes, entry, path)).equals(expected)).toBe(true);
    }
  });

  it.each(debianJars)('%s: one maven package per pom.properties (as unzip shows them)', (file) => {
    const path = `${DEBIAN_JARS}/${file}`;
    const poms = execFileSync('unzip', ['-Z1', path], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .split('\n')
      .filter((n) => /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(n));
    const expected = poms
      .map((n) => {
        const text = execFileSync('unzip', ['-p', path, n], { encoding: 'utf8' });
        const get = (k: string) => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1]?.trim();
        return `pkg:maven/${get('groupId')}/${get('artifactId')}@${get('version')}`;
      })
      .sort();
    const got = parseJavaArchive(readFileSync(path), { path }).packages;
    if (expected.length > 0) expect(got.map((p) => p.purl)).toEqual([...new Set(expected)]);
    else for (const p of got) expect(p.properties?.evidence).toEqual('manifest');
  });
});

describe.runIf(javaToolsAvailable())('archives built with jar and zip', () => {
  it('library jar: pom.properties', () => {
    const f = javaFixtures();
    expect(summary(readFileSync(f.lib), 'app/lib/commons-lang-2.6.jar')).toEqual([
      ['pkg:maven/commons-lang/commons-lang@2.6', 'app/lib/commons-lang-2.6.jar', 'pom.properties'],
    ]);
  });

  it('manifest-only jar: Implementation-* headers', () => {
    const f = javaFixtures();
    const [pkg] = parseJavaArchive(readFileSync(f.manifestOnly), { path: 'tool-1.4.2.jar' }).packages;
    expect(pkg).toMatchObject({
      name: 'org.example:tool',
      version: '1.4.2',
      namespace: 'org.example',
      purl: 'pkg:maven/org.example/tool@1.4.2',
    });
  });

  it('Spring Boot fat jar: the app and BOOT-INF/lib jars (stored members)', () => {
    const f = javaFixtures();
    expect(summary(readFileSync(f.fatJar), 'app.jar')).toEqual([
      ['pkg:maven/com.example/app@0.0.1-SNAPSHOT', 'app.jar', 'pom.properties'],
      [
        'pkg:maven/commons-lang/commons-lang@2.6',
        'app.jar!/BOOT-INF/lib/commons-lang-2.6.jar',
        'pom.properties',
      ],
      ['pkg:maven/org.example/tool@1.4.2', 'app.jar!/BOOT-INF/lib/tool-1.4.2.jar', 'manifest'],
    ]);
  });

  it('ear → war → WEB-INF/lib jar, and the depth limit', () => {
    const f = javaFixtures();
    const bytes = readFileSync(f.ear);
    expect(summary(bytes, 'suite.ear').map((r) => r[0])).toEqual(['pkg:maven/commons-lang/commons-lang@2.6']);
    expect(
      parseJavaArchive(bytes, { path: 'suite.ear' }, { ...DEFAULT_JAVA_LIMITS, maxDepth: 2 }).packages,
    ).toEqual([]);
  });

  it('ZIP64 archive from zip -fz', () => {
    const f = javaFixtures();
    expect(summary(readFileSync(f.zip64), 'zip64.jar').map((r) => r[0])).toEqual([
      'pkg:maven/commons-lang/commons-lang@2.6',
    ]);
  });

  it('a nested jar over the size limit is an issue, the rest still counts', () => {
    const f = javaFixtures();
    const result = parseJavaArchive(
      readFileSync(f.fatJar),
      { path: 'app.jar' },
      { ...DEFAULT_JAVA_LIMITS, maxNestedBytes: 10 },
    );
    expect(result.packages.map((p) => p.purl)).toEqual(['pkg:maven/com.example/app@0.0.1-SNAPSHOT']);
    expect(result.problems.map((p) => [p.archivePath, p.code])).toEqual([
      ['app.jar!/BOOT-INF/lib/commons-lang-2.6.jar', 'INVENTORY_LIMIT'],
      ['app.jar!/BOOT-INF/lib/tool-1.4.2.jar', 'INVENTORY_LIMIT'],
    ]);
  });

  it('the analyzer reports packages as installed, and a non-zip .jar as an issue', async () => {
    const bytes = readFileSync(javaFixtures().war);
    const input = (b: Uint8Array) => ({
      path: 'srv/shop.war',
      size: b.length,
      read: () => Promise.resolve(b),
    });
    const ok = await javaArchiveAnalyzer.analyze(input(bytes), {});
    expect([ok.kind, ok.packages.map((p) => p.purl)]).toEqual([
      'installed',
      ['pkg:maven/commons-lang/commons-lang@2.6'],
    ]);
    const bad = await javaArchiveAnalyzer.analyze(input(new TextEncoder().encode('not a zip')), {});
    expect(bad.issues.map((i) => i.code)).toEqual(['INVENTORY_PARSE']);
  });
});

describe('zip limits', () => {
  /** A one-member zip with a deflated body; sizes can be declared falsely. */
  function zipWith(data: Uint8Array, declaredSize = data.length): Uint8Array {
    const body = deflateRawSync(data);
    const name = new TextEncoder().encode('a.txt');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    const cdOffset = 30 + name.length + body.length;
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(1, 8);
    end.writeUInt16LE(1, 10);
    end.writeUInt32LE(46 + name.length, 12);
    end.writeUInt32LE(cdOffset, 16);
    return Buffer.concat([local, name, body, central, name, end]);
  }

  it.each([
    ['member larger than allowed', zipWith(new Uint8Array(2000)), { maxEntryBytes: 1000 }, 'INVENTORY_LIMIT'],
    ['compression ratio (2 MiB of zeros)', zipWith(new Uint8Array(2 << 20)), {}, 'INVENTORY_LIMIT'],
    ['inflates past its declared size', zipWith(new Uint8Array(5000).fill(7), 100), {}, 'INVENTORY_PARSE'],
    ['too many entries', zipWith(new Uint8Array(10)), { maxEntries: 0 }, 'INVENTORY_LIMIT'],
  ])('%s → %s', (_name, bytes, limits, code) => {
    const all = { ...DEFAULT_JAVA_LIMITS, ...limits };
    expect(() => {
      for (const e of listZipEntries(bytes, 'z', all)) readZipEntry(bytes, e, 'z', all);
    }).toThrow(expect.objectContaining({ code }));
  });

  it('a well-formed member inflates', () => {
    const bytes = zipWith(new TextEncoder().encode('hello hello hello'));
    const [entry] = listZipEntries(bytes, 'z');
    expect(new TextDecoder().decode(readZipEntry(bytes, entry!, 'z'))).toEqual('hello hello hello');
  });
});

describe('manifest and file names', () => {
  it('manifest continuation lines', () => {
    expect(
      parseManifest(
        'Manifest-Version: 1.0\nBundle-SymbolicName: org.apache.commons.la\n ng3;singleton:=true\n\nName: x\n',
      ),
    ).toEqual(
      new Map([
        ['Manifest-Version', '1.0'],
        ['Bundle-SymbolicName', 'org.apache.commons.lang3;singleton:=true'],
      ]),
    );
  });

  it.each([
    ['commons-lang3-3.12.0.jar', { artifact: 'commons-lang3', version: '3.12.0' }],
    ['guava-31.1-jre.jar', { artifact: 'guava', version: '31.1-jre' }],
    ['spring-boot-2.7.0-SNAPSHOT.jar', { artifact: 'spring-boot', version: '2.7.0-SNAPSHOT' }],
    ['app.jar', undefined],
  ])('%s', (name, expected) => {
    expect(splitJarFileName(name)).toEqual(expected);
  });
});

describe('Java parsers: a value or a BosunError, within limits', () => {
  it.runIf(javaToolsAvailable())('mutated jars (fat jar, zip64)', () => {
    const f = javaFixtures();
    const seeds = [readFileSync(f.fatJar), readFileSync(f.zip64), readFileSync(f.lib)].map(
      (b) => new Uint8Array(b),
    );
    fc.assert(
      fc.property(fc.constantFrom(...seeds).chain(mutatedBytes), (bytes) => {
        const out = valueOrBosunError(
          () => parseJavaArchive(bytes, { path: 'x.jar' }),
          ['INVENTORY_PARSE', 'INVENTORY_LIMIT'],
        );
        if (out !== undefined)
          expect(out.packages.length).toBeLessThanOrEqual(DEFAULT_JAVA_LIMITS.maxPackages);
      }),
      { numRuns: 500 },
    );
  });
});
