import { compareDigits, compareStrings, defineComparator } from './compare-util.ts';
import type { Ordering } from './types.ts';

/**
 * Maven's ComparableVersion (maven-artifact). A version is parsed into nested lists: `.`
 * separates items, `-` and every digit/letter transition open a sub-list. Items are numbers
 * or qualifiers; known qualifiers order alpha < beta < milestone < rc = cr < snapshot <
 * "" = ga = final = release < sp, unknown qualifiers sort after them alphabetically, and
 * trailing "null" items (0, "", empty lists) are dropped from each list.
 */
type Item =
  | { readonly kind: 'int'; readonly digits: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'list'; readonly items: Item[] };

const QUALIFIERS = ['alpha', 'beta', 'milestone', 'rc', 'snapshot', '', 'sp'];
const ALIASES: Readonly<Record<string, string>> = { ga: '', final: '', release: '', cr: 'rc' };
const RELEASE_INDEX = String(QUALIFIERS.indexOf(''));

function comparableQualifier(value: string): string {
  const index = QUALIFIERS.indexOf(value);
  return index === -1 ? `${QUALIFIERS.length}-${value}` : String(index);
}

function stringItem(value: string, followedByDigit: boolean): Item {
  let v = value;
  if (followedByDigit && v.length === 1) {
    // "a1", "b2", "m3" are short for alpha-1, beta-2, milestone-3.
    if (v === 'a') v = 'alpha';
    else if (v === 'b') v = 'beta';
    else if (v === 'm') v = 'milestone';
  }
  return { kind: 'string', value: ALIASES[v] ?? v };
}

function parseItem(isDigit: boolean, text: string): Item {
  if (!isDigit) return stringItem(text, false);
  const digits = text.replace(/^0+(?=.)/, '');
  return { kind: 'int', digits };
}

function isNull(item: Item): boolean {
  switch (item.kind) {
    case 'int':
      return item.digits === '0';
    case 'string':
      return item.value === '';
    case 'list':
      return item.items.length === 0;
  }
}

function normalize(list: Item[]): void {
  for (let i = list.length - 1; i >= 0; i--) {
    const last = list[i];
    if (last === undefined) continue;
    if (isNull(last)) list.splice(i, 1);
    else if (last.kind !== 'list') break;
  }
}

function isDigitChar(c: string): boolean {
  return c >= '0' && c <= '9';
}

function parseMaven(version: string): Item[] {
  const text = version.toLowerCase();
  const root: Item[] = [];
  let list = root;
  const stack: Item[][] = [root];
  const openList = (): void => {
    const next: Item[] = [];
    list.push({ kind: 'list', items: next });
    list = next;
    stack.push(next);
  };
  let isDigit = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '.') {
      list.push(i === start ? { kind: 'int', digits: '0' } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
    } else if (c === '-') {
      list.push(i === start ? { kind: 'int', digits: '0' } : parseItem(isDigit, text.slice(start, i)));
      start = i + 1;
      openList();
    } else if (isDigitChar(c)) {
      if (!isDigit && i > start) {
        list.push(stringItem(text.slice(start, i), true));
        start = i;
        openList();
      }
      isDigit = true;
    } else {
      if (isDigit && i > start) {
        list.push(parseItem(true, text.slice(start, i)));
        start = i;
        openList();
      }
      isDigit = false;
    }
  }
  if (text.length > start) list.push(parseItem(isDigit, text.slice(start)));
  for (let l = stack.pop(); l !== undefined; l = stack.pop()) normalize(l);
  return root;
}

/** Item.compareTo(null): an item's side of the release (0, "", empty list). */
function compareWithNull(item: Item): Ordering {
  switch (item.kind) {
    case 'int':
      return item.digits === '0' ? 0 : 1;
    case 'string':
      return compareStrings(comparableQualifier(item.value), RELEASE_INDEX);
    case 'list':
      return tailSide(item.items, 0);
  }
}

/**
 * The side of the release that the items from `start` on fall on. Maven compares a list with
 * null by its first item only, which made 1-0.1 = 1 = 1-0.2 while 1-0.1 < 1-0.2; here the
 * first item that is not null decides.
 */
function tailSide(items: readonly Item[], start: number): Ordering {
  for (let i = start; i < items.length; i++) {
    const item = items[i];
    const side = item === undefined ? 0 : compareWithNull(item);
    if (side !== 0) return side;
  }
  return 0;
}

/** Maven's order between items of different kinds: number > sub-list > bare qualifier. */
const KIND_RANK: Readonly<Record<Item['kind'], number>> = { string: 0, list: 1, int: 2 };

/**
 * ListItem.compareTo(ListItem) with null padding. One deliberate difference: Maven orders
 * items of different kinds by kind alone (number > sub-list > qualifier), which is not
 * transitive when the two tails fall on opposite sides of the release (1.sp1 < 1-snapshot < 1
 * < 1.sp1; .a0 < 0 < x < .a0). Bosun first compares the sides of the release of the two tails,
 * then applies Maven's rule, which keeps the order total and holds every conformance pair.
 */
function compareLists(a: readonly Item[], b: readonly Item[]): Ordering {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const l = a[i];
    const r = b[i];
    let diff: Ordering;
    if (l === undefined) diff = r === undefined ? 0 : negate(compareWithNull(r));
    else if (r === undefined) diff = compareWithNull(l);
    else if (l.kind !== r.kind) {
      const sides = compareNumbers(tailSide(a, i), tailSide(b, i));
      return sides !== 0 ? sides : compareNumbers(KIND_RANK[l.kind], KIND_RANK[r.kind]);
    } else diff = compareSameKind(l, r);
    if (diff !== 0) return diff;
  }
  return 0;
}

function compareSameKind(a: Item, b: Item): Ordering {
  if (a.kind === 'int' && b.kind === 'int') return compareDigits(a.digits, b.digits);
  if (a.kind === 'string' && b.kind === 'string') {
    return compareStrings(comparableQualifier(a.value), comparableQualifier(b.value));
  }
  if (a.kind === 'list' && b.kind === 'list') return compareLists(a.items, b.items);
  return 0;
}

function compareNumbers(x: number, y: number): Ordering {
  return x < y ? -1 : x > y ? 1 : 0;
}

function negate(o: Ordering): Ordering {
  return o === 0 ? 0 : o === 1 ? -1 : 1;
}

function compareMaven(a: Item[], b: Item[]): Ordering {
  return compareLists(a, b);
}

/** Maven versions, ordered as Maven's ComparableVersion. */
export const mavenComparator = defineComparator('maven', parseMaven, compareMaven);
