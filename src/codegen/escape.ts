// The only way model text (names of values, inputs, outputs, the model itself) reaches generated code: as string
// literals and `//` comments built by jsString. Also validates the identifiers the generators make up themselves.

import { InternalError } from "../diagnostics.js";

/**
 * A JavaScript string literal for any text: JSON.stringify, plus U+2028/U+2029 (line terminators in JS source
 * before ES2019, and in comments always) and `<` escaped, so `</script` and `<!--` stay inert when inlined in HTML.
 */
export function jsString(text: string): string {
  return JSON.stringify(text)
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029")
    .replace(/</g, "\\u003c");
}

/**
 * A `//` comment carrying any text: the body of jsString(text), so it holds no line terminator and cannot end
 * early. Plain text (no quotes, backslashes or control characters) reads unchanged.
 */
export function jsComment(text: string): string {
  return `// ${jsString(text).slice(1, -1)}`;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for " +
    "function if import in instanceof new null return super switch this throw true try typeof var void while with " +
    "yield let static implements interface package private protected public await arguments eval undefined NaN Infinity"
  ).split(" "),
);

/** A generated identifier, checked: generators only make names like `v3`, `s0`, `pad5`, never from model text. */
export function jsIdentifier(name: string): string {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) {
    throw new InternalError(`generated identifier ${JSON.stringify(name)} is not a plain JavaScript identifier`);
  }
  return name;
}
