/**
 * The `Link` header (RFC 8288) as registries use it for pagination:
 * `</v2/name/tags/list?n=2&last=b>; rel="next"`. Only the `next` target is wanted.
 */
import { BosunError } from '../../util/errors.ts';

export const MAX_LINK_HEADER_LENGTH = 8 * 1024;

/** The URI reference of the first link with `rel` containing `next`, or undefined. */
export function parseNextLink(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.length > MAX_LINK_HEADER_LENGTH) {
    throw new BosunError(
      'REGISTRY_PROTOCOL',
      `Link header: length limit exceeded (${header.length} > ${MAX_LINK_HEADER_LENGTH})`,
      { details: { input: 'Link', limit: 'length', value: header.length, max: MAX_LINK_HEADER_LENGTH } },
    );
  }
  let pos = 0;
  while (pos < header.length) {
    while (pos < header.length && (header[pos] === ' ' || header[pos] === ',' || header[pos] === '\t')) pos++;
    if (pos >= header.length) break;
    if (header[pos] !== '<') throw malformed(pos);
    const close = header.indexOf('>', pos + 1);
    if (close < 0) throw malformed(pos);
    const target = header.slice(pos + 1, close);
    pos = close + 1;
    let next = false;
    // Parameters: ; name[=value | ="quoted"]
    for (;;) {
      while (header[pos] === ' ' || header[pos] === '\t') pos++;
      if (header[pos] !== ';') break;
      pos++;
      while (header[pos] === ' ' || header[pos] === '\t') pos++;
      const nameStart = pos;
      while (pos < header.length && /[A-Za-z0-9!#$&+\-.^_`|~*]/.test(header[pos] as string)) pos++;
      const name = header.slice(nameStart, pos).toLowerCase();
      if (name === '') throw malformed(pos);
      while (header[pos] === ' ' || header[pos] === '\t') pos++;
      let value = '';
      if (header[pos] === '=') {
        pos++;
        while (header[pos] === ' ' || header[pos] === '\t') pos++;
        if (header[pos] === '"') {
          pos++;
          while (pos < header.length && header[pos] !== '"') {
            if (header[pos] === '\\' && pos + 1 < header.length) pos++;
            value += header[pos];
            pos++;
          }
          if (header[pos] !== '"') throw malformed(pos);
          pos++;
        } else {
          const valueStart = pos;
          while (pos < header.length && !/[;, \t]/.test(header[pos] as string)) pos++;
          value = header.slice(valueStart, pos);
        }
      }
      if (name === 'rel' && value.toLowerCase().split(/\s+/).includes('next')) next = true;
    }
    if (next) return target;
    while (header[pos] === ' ' || header[pos] === '\t') pos++;
    if (pos < header.length && header[pos] !== ',') throw malformed(pos);
  }
  return undefined;
}

function malformed(position: number): BosunError {
  return new BosunError('REGISTRY_PROTOCOL', `Link header: malformed at offset ${position}`, {
    details: { input: 'Link', position },
  });
}
