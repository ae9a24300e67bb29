// Text mutation as a fast-check arbitrary: a seed plus a list of edits (delete, duplicate, swap, insert or replace
// tokens; delete, duplicate or splice lines; truncate; drop in odd characters). Shrinking removes edits, so a
// failure shrinks towards the unmodified seed. Shared by the .mconv, IR and JSON fuzzers.

import fc from "fast-check";

/** Characters that tend to break lexers, line counting and terminals. */
export const ODD_CHARS: readonly string[] = [
  "\u0000", "\u0001", "\u0007", "\b", "\t", "\u000b", "\f", "\r", "\r\n", "\u001b[2J", "\u001b]0;x\u0007", "\u007f",
  "\u0085", "\u009b", "\u00a0", "\u00ad", "\u0301", "e\u0301", "\u200b", "\u200d", "\u200e", "\u202e", "\u2066",
  "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff", "\ud800", "\udfff", "\udc00\ud800", "🙂", "👩‍👩‍👧", "𝕏", "ı", "ﬀ",
  "ℌ", "Ａ", "١", "½", "\\", "\\u0000", "\\\"", "`", "${x}", "*/", "/*", "//", "#", "@", "$", "%", "<", ">", "&",
  "|", "?", "!", "~", "^", "'", '"', ".", "..", "...", "-", "+", "*", "/",
];

/** Numbers spelled to probe parsing, ranges and float32 rounding. */
export const ODD_NUMBERS: readonly string[] = [
  "0", "-0", "1", "-1", "2", "3", "0.5", ".5", "5.", "-.5", "1e999", "-1e999", "1e-999", "3.4e38", "3.5e38",
  "-3.4028235e38", "3.4028236e38", "1.4e-45", "1e-46", "0x10", "0b1", "0o7", "1_000", "1.2.3", "1e", "1e+",
  "--1", "+1", "9999999999999999999999", "2147483647", "2147483648", "-2147483648", "4294967296",
  "9007199254740993", "16777216", "16777217", "10000", "10001", "9999", "1000000", "NaN", "Infinity", "-Infinity",
  "nan", "inf", "-inf", "1.0000000000000000000000001", "0.1", "1e308", "4.9e-324", "2.5", "-2.5", "65", "64", "63",
];

/** One edit; positions are taken modulo the current number of tokens or lines. */
export type Edit =
  | { readonly kind: "delete" | "duplicate" | "truncate" | "delete-line" | "duplicate-line"; readonly at: number }
  | { readonly kind: "swap" | "swap-lines"; readonly at: number; readonly other: number }
  | { readonly kind: "insert" | "replace"; readonly at: number; readonly text: string }
  | { readonly kind: "splice-line"; readonly at: number; readonly line: string };

/** Splits text into tokens (whatever `pattern` matches, else one character), keeping every character. */
export function tokenize(text: string, pattern: RegExp): string[] {
  const re = new RegExp(`${pattern.source}|[\\s\\S]`, "gu");
  return text.match(re) ?? [];
}

export function applyEdits(seed: string, edits: readonly Edit[], pattern: RegExp): string {
  let text = seed;
  for (const e of edits) {
    if (e.kind.endsWith("line") || e.kind === "swap-lines") {
      const lines = text.split("\n");
      const i = e.at % lines.length;
      if (e.kind === "delete-line") lines.splice(i, 1);
      else if (e.kind === "duplicate-line") lines.splice(i, 0, lines[i]!);
      else if (e.kind === "swap-lines") {
        const j = (e as { other: number }).other % lines.length;
        [lines[i], lines[j]] = [lines[j]!, lines[i]!];
      } else if (e.kind === "splice-line") lines.splice(i, 0, (e as { line: string }).line);
      text = lines.join("\n");
      continue;
    }
    const tokens = tokenize(text, pattern);
    const n = tokens.length;
    const i = n === 0 ? 0 : e.at % n;
    switch (e.kind) {
      case "delete":
        tokens.splice(i, 1);
        break;
      case "duplicate":
        tokens.splice(i, 0, tokens[i] ?? "");
        break;
      case "truncate":
        tokens.length = Math.min(i, n);
        break;
      case "swap": {
        const j = n === 0 ? 0 : e.other % n;
        [tokens[i], tokens[j]] = [tokens[j] ?? "", tokens[i] ?? ""];
        break;
      }
      case "insert":
        tokens.splice(i, 0, e.text);
        break;
      case "replace":
        tokens.splice(i, 1, e.text);
        break;
    }
    text = tokens.join("");
  }
  return text;
}

/** Text to insert: a word of the language, an odd number, an odd character, or random unicode. */
export function insertion(vocabulary: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...vocabulary) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
    { weight: 2, arbitrary: fc.constantFrom(...ODD_CHARS) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 6 }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 4 }) },
  );
}

export function editArbitrary(vocabulary: readonly string[], lines: readonly string[]): fc.Arbitrary<Edit> {
  const at = fc.nat({ max: 100_000 });
  const text = insertion(vocabulary);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom("delete", "duplicate", "truncate", "delete-line", "duplicate-line" as const), at }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("swap", "swap-lines" as const), at, other: at }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom("insert", "replace" as const), at, text }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("splice-line" as const), at, line: fc.constantFrom(...lines) }) },
  ) as fc.Arbitrary<Edit>;
}

/** A seed with 1–`maxEdits` edits, each edit drawn from the language's words and the seeds' own lines. */
export function mutated(seeds: readonly string[], vocabulary: readonly string[], pattern: RegExp, maxEdits = 6): fc.Arbitrary<string> {
  const lines = [...new Set(seeds.flatMap((s) => s.split("\n")))];
  return fc
    .tuple(fc.constantFrom(...seeds), fc.array(editArbitrary(vocabulary, lines), { minLength: 1, maxLength: maxEdits }))
    .map(([seed, edits]) => applyEdits(seed, edits, pattern));
}
