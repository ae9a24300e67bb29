// "Did you mean …?" hints: the closest known word to a misspelt one, by edit distance. Used for names, arguments,
// ops and keywords. Not a general string library.

/** Edit distance counting a swap of two neighbours as one edit (so `inptu` is one edit from `input`). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` if it is close enough to be a likely typo (case is ignored), else undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  const limit = Math.floor((w.length + 1) / 3);
  if (w.length > 64) return undefined;
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of candidates) {
    if (c === word) continue;
    // A prefix of three letters or more (`conv` for `conv2d`) is as likely a slip as a typo.
    const prefix = w.length >= 3 && c.toLowerCase().startsWith(w);
    if (!prefix && Math.abs(c.length - w.length) > limit) continue;
    const d = prefix ? limit : distance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** `; did you mean 'x'?` or nothing: appended to a message. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const c = closest(word, candidates);
  return c === undefined ? "" : `; did you mean '${c}'?`;
}
