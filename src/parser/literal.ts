// Nested list literals (`[[1, 0], [0, 1]]`) to a shape and row-major values, rejecting ragged and mixed nesting.
// Not for arguments such as `kernel=[3, 3]` (lower/arguments.ts reads those).

import { type Diagnostic, error } from "../diagnostics.js";
import { type Val, describeVal } from "./lower/values.js";

export interface ListLiteral {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

type ListVal = Extract<Val, { kind: "list" }>;

/** The first element's shape, all the way down: every other element must match it. */
function firstPathShape(list: ListVal): number[] {
  const shape: number[] = [];
  let node: Val | undefined = list;
  while (node?.kind === "list") {
    shape.push(node.items.length);
    node = node.items[0];
  }
  return shape;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `row 2`, `row 1.2` (item 1, row 2), `item 2`: 1-based, as people count. */
function label(path: readonly number[], isRow: boolean): string {
  return `${isRow ? "row" : "item"} ${path.map((i) => i + 1).join(".")}`;
}

/**
 * Reads a list literal, or reports (MC2019) the first row whose length or nesting differs from the first row's.
 * E.g. `[[1, 1, 0], [1, 1]]` → "row 2 has 2 values, row 1 has 3". Values that are not numbers are MC2017.
 */
export function readListLiteral(list: ListVal, report: (d: Diagnostic) => void): ListLiteral | undefined {
  const shape = firstPathShape(list);
  const last = shape.length - 1;
  const data: number[] = [];
  const visit = (node: ListVal, path: number[]): boolean => {
    const depth = path.length;
    if (node.items.length !== shape[depth]) {
      const isRow = depth === last;
      const unit = isRow ? "value" : "list";
      const first = label(new Array<number>(depth).fill(0), isRow);
      report(error("MC2019", `ragged list: ${label(path, isRow)} has ${plural(node.items.length, unit)}, ${first} has ${shape[depth]}`, node.span));
      return false;
    }
    for (let i = 0; i < node.items.length; i++) {
      const el = node.items[i]!;
      if (el.kind === "failed") return false;
      if (depth === last && el.kind === "number") data.push(el.value);
      else if (depth < last && el.kind === "list") {
        if (!visit(el, [...path, i])) return false;
      } else if (el.kind === "number" || el.kind === "list") {
        const message =
          depth === last
            ? "expected a number here, found a list: every row must nest equally deep"
            : "expected a list here, found a number: every row must nest equally deep";
        report(error("MC2019", message, el.span));
        return false;
      } else {
        report(error("MC2017", `a list literal holds numbers, got ${describeVal(el)}`, el.span));
        return false;
      }
    }
    return true;
  };
  return visit(list, []) ? { shape, data } : undefined;
}
