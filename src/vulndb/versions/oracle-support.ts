// Test support (not exported from index.ts): deterministic random version strings for the
// live-oracle tests that compare Bosun with dpkg and rpm.

/** mulberry32: a tiny seeded PRNG so every run tests the same pairs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

/** A string of `length` characters drawn from `alphabet`. */
export function randomString(random: () => number, alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet.charAt(Math.floor(random() * alphabet.length));
  return out;
}

/** A small edit of `version` (change, insert or delete one character from `alphabet`), to get close pairs. */
export function mutate(random: () => number, version: string, alphabet: string): string {
  const at = Math.floor(random() * (version.length + 1));
  const c = alphabet.charAt(Math.floor(random() * alphabet.length));
  const op = random();
  if (op < 0.4) return version.slice(0, at) + c + version.slice(at + 1);
  if (op < 0.8) return version.slice(0, at) + c + version.slice(at);
  return version.length > 1 ? version.slice(0, at) + version.slice(at + 1) : version;
}
