// Source ops: values that enter the graph. input (fed per call), param (weights), constant (known at compile time).

import { formatShape, isConcrete, shapeProblemText, tensorType } from "../types.js";
import type { OpDef } from "./def.js";
import { elementCount, problem } from "./def.js";

export const input: OpDef<"input"> = {
  operands: [],
  attrs: { shape: "type-shape", support: "support" },
  /**
   * `input : f32[N,4,4,3]` has the type its declaration gives. A support needs a known shape and one 0 or 1 per
   * element: `input {support=[[1,1],[1,0]]} : f32[2,2]`.
   */
  infer: (_types, a) => {
    const bad = shapeProblemText(a.shape);
    if (bad) return problem("MC2020", bad);
    if (a.support !== undefined) {
      if (!isConcrete(a.shape)) return problem("MC2010", `an input with a declared support needs a known shape, got ${formatShape(a.shape)}`);
      const n = elementCount(a.shape);
      if (a.support.length !== n) return problem("MC2011", `the support of an input of shape ${formatShape(a.shape)} needs ${n} values, got ${a.support.length}`);
      if (!a.support.every((v) => v === 0 || v === 1)) return problem("MC2011", "a support holds 1 (may be nonzero) or 0 (always 0) per element");
    }
    return tensorType(a.shape);
  },
};

export const param: OpDef<"param"> = {
  operands: [],
  attrs: { shape: "type-shape" },
  /** `param : f32[3,3,3,2]`; params have known shapes (weights are concrete). */
  infer: (_types, a) => {
    if (!a.shape.every((d) => typeof d === "number")) {
      return problem("MC2010", `a parameter needs a known shape, got a symbolic dimension in [${a.shape.join(", ")}]`);
    }
    const bad = shapeProblemText(a.shape);
    return bad ? problem("MC2020", bad) : tensorType(a.shape);
  },
};

export const constant: OpDef<"constant"> = {
  operands: [],
  attrs: { shape: "type-shape", data: "data" },
  /** `constant [[1,0],[1,1]] : f32[2,2]`: the data must hold exactly the shape's element count. */
  infer: (_types, a) => {
    if (!a.shape.every((d) => typeof d === "number")) {
      return problem("MC2010", `a constant needs a known shape, got [${a.shape.join(", ")}]`);
    }
    const bad = a.shape.length > 0 ? shapeProblemText(a.shape) : undefined;
    if (bad) return problem("MC2020", bad);
    const n = (a.shape as number[]).reduce((x, y) => x * y, 1);
    if (n !== a.data.length) {
      return problem("MC2011", `a constant of shape [${a.shape.join(", ")}] needs ${n} values, got ${a.data.length}`);
    }
    return tensorType(a.shape);
  },
  reference: (_args, a) => ({ shape: a.shape as number[], data: Float64Array.from(a.data) }),
};
