/**
 * `pom.properties` (java.util.Properties: `key=value`, `key: value`, `#`/`!` comments) and
 * `META-INF/MANIFEST.MF` (JAR spec: `Name: value` headers, 72-byte lines continued by a leading space).
 */
import { linesOf } from '../lang-common/text.ts';

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of linesOf(text)) {
    const line = raw.trim();
    if (line.length === 0 || line.startsWith('#') || line.startsWith('!')) continue;
    const sep = line.search(/[=:]/);
    if (sep <= 0) continue;
    out.set(line.slice(0, sep).trim(), line.slice(sep + 1).trim());
  }
  return out;
}

/** The main section of a manifest (up to the first blank line). */
export function parseManifest(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let last: string | undefined;
  for (const line of linesOf(text)) {
    if (line.length === 0) break;
    if (line.startsWith(' ')) {
      if (last !== undefined) out.set(last, `${out.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    out.set(last, line.slice(colon + 1).trim());
  }
  return out;
}
