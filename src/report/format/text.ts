/** Plain-text helpers for terminal output: control-character scrubbing, widths, truncation. */

/**
 * Removes what a terminal would interpret: C0/C1 controls (ESC sequences from a hostile advisory
 * title or package name), DEL, and line/paragraph separators. Tabs and newlines become spaces.
 */
export function scrubControl(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ');
}

/** Width in code points: Bosun's tables do not try to measure East Asian wide characters. */
export function displayWidth(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function truncate(text: string, width: number): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return Array.from(text).slice(0, width).join('');
  return `${Array.from(text)
    .slice(0, width - 1)
    .join('')}…`;
}

export function padEnd(text: string, width: number): string {
  const w = displayWidth(text);
  return w >= width ? text : text + ' '.repeat(width - w);
}
