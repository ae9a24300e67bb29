// Small arithmetic expressions for the generated loops, folded and parenthesized so that the code reads as a person
// would write it (`at + 12`, `(n * 4 + oy) * 4`). Operands are generated identifiers and numbers, never model text.

/** `expr * k`, leaving out a factor of 1; `expr` is parenthesized when it is not a plain name or number. */
export function times(expr: string, k: number): string {
  if (k === 1) return expr;
  return /^[\w.]+$/.test(expr) ? `${expr} * ${k}` : `(${expr}) * ${k}`;
}

/** `3 rows`, `1 row`. */
export function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** A sum of terms, the numbers among them folded into one last term (left out when 0): `at + 12`. */
export function sum(terms: readonly (string | number)[]): string {
  let constant = 0;
  const named: string[] = [];
  for (const t of terms) {
    if (typeof t === "number" || /^-?\d+$/.test(t)) constant += Number(t);
    else named.push(t);
  }
  if (constant !== 0 || named.length === 0) named.push(String(constant));
  return named.join(" + ").replace(/\+ -(\d+)$/, "- $1");
}

/** A product of factors: numbers folded, ones left out, sums parenthesized; `0` when a factor is 0. */
export function product(factors: readonly (string | number)[]): string {
  let known = 1;
  const named: string[] = [];
  for (const f of factors) {
    const text = String(f);
    if (/^\d+$/.test(text)) known *= Number(text);
    else named.push(/^[\w.]+$/.test(text) || /^[\w.]+( \* [\w.]+)*$/.test(text) ? text : `(${text})`);
  }
  if (known === 0) return "0";
  if (known === 1 && named.length === 1) return String(factors.find((f) => !/^\d+$/.test(String(f))));
  if (known !== 1 || named.length === 0) named.push(String(known));
  return named.join(" * ");
}
