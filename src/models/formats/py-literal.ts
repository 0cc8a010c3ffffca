// A parser for the Python literals numpy writes in .npy headers (dict, list, tuple, str, int,
// True/False/None). numpy itself uses ast.literal_eval, so nothing else is valid there.

export type PyValue = string | number | boolean | null | PyValue[] | { [key: string]: PyValue };

export class PyLiteralError extends Error {}

export function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const value = (depth: number): PyValue => {
    if (depth > 32) throw new PyLiteralError('nesting too deep');
    ws();
    const ch = text[i];
    if (ch === '{' || ch === '[' || ch === '(') {
      const close = ch === '{' ? '}' : ch === '[' ? ']' : ')';
      i++;
      const items: PyValue[] = [];
      const dict: { [key: string]: PyValue } = {};
      for (;;) {
        ws();
        if (text[i] === close) {
          i++;
          return ch === '{' ? dict : items;
        }
        const item = value(depth + 1);
        ws();
        if (ch === '{') {
          if (text[i] !== ':' || typeof item !== 'string') throw new PyLiteralError(`expected key: at ${i}`);
          i++;
          dict[item] = value(depth + 1);
          ws();
        } else items.push(item);
        if (text[i] === ',') i++;
        else if (text[i] !== close) throw new PyLiteralError(`expected , or ${close} at ${i}`);
      }
    }
    if (ch === "'" || ch === '"') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new PyLiteralError('unterminated string');
      const s = text.slice(i + 1, end);
      i = end + 1;
      return s;
    }
    const word = /^(True|False|None|[+-]?\d+)/.exec(text.slice(i, i + 32));
    if (!word) throw new PyLiteralError(`unexpected ${JSON.stringify(text.slice(i, i + 10))}`);
    i += (word[0] as string).length;
    if (word[0] === 'True') return true;
    if (word[0] === 'False') return false;
    if (word[0] === 'None') return null;
    return Number(word[0]);
  };
  const result = value(0);
  ws();
  if (i !== text.length) throw new PyLiteralError('trailing characters');
  return result;
}
