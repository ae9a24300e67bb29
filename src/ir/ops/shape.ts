// Shape ops: reshape (same elements, new shape; row-major order kept).

import { formatShape, type Dim, tensorType } from "../types.js";
import { type OpDef, problem } from "./def.js";

/** Known-size product and the sorted symbols of a shape, to compare element counts with symbolic axes. */
function sizeParts(shape: readonly Dim[]): { known: number; symbols: string } {
  let known = 1;
  const symbols: string[] = [];
  for (const d of shape) {
    if (typeof d === "number") known *= d;
    else symbols.push(d);
  }
  return { known, symbols: symbols.sort().join(",") };
}

export const reshape: OpDef<"reshape"> = {
  operands: ["input"],
  attrs: { shape: "dims" },
  /** f32[3,3] → shape [3,3,1,1] → f32[3,3,1,1]; element counts must agree (symbols must appear on both sides). */
  infer: ([x], a) => {
    if (!a.shape.every((d) => typeof d === "string" || (Number.isInteger(d) && d >= 0))) {
      return problem("MC2008", `reshape needs whole-number sizes, got ${formatShape(a.shape)}`);
    }
    const from = sizeParts(x!.shape);
    const to = sizeParts(a.shape);
    if (from.known !== to.known || from.symbols !== to.symbols) {
      return problem("MC2008", `reshape cannot turn ${formatShape(x!.shape)} into ${formatShape(a.shape)}: the element counts differ`);
    }
    return tensorType(a.shape);
  },
  reference: ([x], _a, out) => ({ shape: [...out], data: x!.data }),
};
