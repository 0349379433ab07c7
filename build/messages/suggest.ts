/**
 * "Did you mean authors?": the known name nearest to a misspelt one, by edit distance (a swap of
 * two neighbouring letters counts as one edit, the commonest typing slip), or none when nothing
 * is near enough to be a likely intention.
 */

/** Edits between `a` and `b`: insertions, deletions, substitutions, and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The candidate nearest to `word` (case and "-"/"_" ignored), if it is within about a third of
 * the word's length; ties go to the earlier candidate (callers list the commoner names first).
 */
export function nearest(word: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_\s]/g, '');
  const w = norm(word);
  if (!w) return undefined;
  const list = [...candidates];
  let best: { name: string; distance: number } | undefined;
  for (const name of list) {
    if (name === word) continue;
    const c = norm(name);
    const distance = c === w ? 0 : editDistance(w, c);
    if (!best || distance < best.distance) best = { name, distance };
  }
  if (!best) return undefined;
  const allowed = Math.max(1, Math.floor(Math.max(w.length, 3) / 3));
  if (best.distance <= allowed) return best.name;
  // A word kept whole inside a longer name (lamp.png → lamp-old.png, a renamed file), or the reverse.
  const stem = (s: string): string => s.replace(/\.[a-z0-9]+$/, '');
  const holding = list.filter((name) => {
    const c = norm(name);
    const [short, long] = w.length < c.length ? [stem(w), c] : [stem(c), w];
    return name !== word && short.length >= 4 && long.includes(short) && (w.match(/\.[a-z0-9]+$/)?.[0] ?? '') === (c.match(/\.[a-z0-9]+$/)?.[0] ?? '');
  });
  return holding.length === 1 ? holding[0] : undefined;
}

/** "; did you mean authors?", or "" when nothing is near. */
export function didYouMean(word: string, candidates: Iterable<string>, show: (name: string) => string = (n) => n): string {
  const found = nearest(word, candidates);
  return found === undefined ? '' : `did you mean ${show(found)}?`;
}
