// Nested list literals (`[[1, 0], [0, 1]]`) to a shape and row-major values, rejecting ragged and mixed nesting.
// Not for arguments such as `kernel=[3, 3]` (arguments.ts reads those).

import type { IToken } from "chevrotain";
import { type Diagnostic, type Source, error } from "../diagnostics.js";
import type { Cst, ElementChildren, ListChildren } from "./grammar.js";
import { nodeSpan } from "./spans.js";

export interface ListLiteral {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** The first element's shape, all the way down: every other element must match it. */
function firstPathShape(list: Cst<ListChildren>): number[] {
  const shape: number[] = [];
  let node: Cst<ListChildren> | undefined = list;
  while (node) {
    const elements: Cst<ElementChildren>[] = node.children.element ?? [];
    shape.push(elements.length);
    node = elements[0]?.children.list?.[0];
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
 * E.g. `[[1, 1, 0], [1, 1]]` → "row 2 has 2 values, row 1 has 3".
 */
export function readListLiteral(list: Cst<ListChildren>, source: Source, report: (d: Diagnostic) => void): ListLiteral | undefined {
  const shape = firstPathShape(list);
  const last = shape.length - 1;
  const data: number[] = [];
  const visit = (node: Cst<ListChildren>, path: number[]): boolean => {
    const depth = path.length;
    const elements = node.children.element ?? [];
    if (elements.length !== shape[depth]) {
      const isRow = depth === last;
      const unit = isRow ? "value" : "list";
      const first = label(new Array<number>(depth).fill(0), isRow);
      report(
        error("MC2019", `ragged list: ${label(path, isRow)} has ${plural(elements.length, unit)}, ${first} has ${shape[depth]}`, nodeSpan(source, node)),
      );
      return false;
    }
    for (let i = 0; i < elements.length; i++) {
      const el = elements[i]!;
      const num: IToken | undefined = el.children.NumberLiteral?.[0];
      const inner = el.children.list?.[0];
      if (depth === last && num) data.push(Number(num.image));
      else if (depth < last && inner) {
        if (!visit(inner, [...path, i])) return false;
      } else {
        const message =
          depth === last
            ? "expected a number here, found a list: every row must nest equally deep"
            : "expected a list here, found a number: every row must nest equally deep";
        report(error("MC2019", message, nodeSpan(source, el)));
        return false;
      }
    }
    return true;
  };
  return visit(list, []) ? { shape, data } : undefined;
}
