// Decoders for the text arguments of protocol-0 opcodes, matching CPython's _pickle.c.

/** `PyBytes_DecodeEscape` for STRING arguments (between the quotes), returned as latin-1 text. */
export function decodeStringEscape(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i];
    if (ch !== '\\' || i + 1 >= raw.length) {
      out += ch;
      continue;
    }
    const next = raw[++i] ?? '';
    const simple: Record<string, string> = {
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\n': '',
    };
    if (next in simple) {
      out += simple[next];
    } else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(raw.slice(i + 1, i + 3))) {
      out += String.fromCharCode(parseInt(raw.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(raw[i + 1] ?? '')) digits += raw[++i];
      out += String.fromCharCode(parseInt(digits, 8) & 0xff);
    } else {
      out += '\\' + next;
    }
  }
  return out;
}

/** `raw-unicode-escape` for UNICODE arguments: only \uXXXX and \UXXXXXXXX are escapes. */
export function decodeRawUnicodeEscape(raw: string): string {
  return raw.replace(
    /\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g,
    (_m, u4: string | undefined, u8: string | undefined) => {
      const cp = parseInt(u4 ?? u8 ?? '0', 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
    },
  );
}

/** Python's `int()` on an INT/LONG/GET/PUT line (decimal, optional sign, underscores, spaces, trailing L for LONG). */
export function parseTextInt(line: string, allowLongSuffix: boolean): number | undefined {
  let text = line.trim();
  if (allowLongSuffix && text.endsWith('L')) text = text.slice(0, -1);
  if (!/^[+-]?\d+(_\d+)*$/.test(text)) return undefined;
  return Number(text.replace(/_/g, ''));
}
