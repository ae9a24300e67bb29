// Pooling over NHWC windows: max_pool and avg_pool, with TensorFlow's VALID and SAME geometry (the conv rule with
// dilation 1). Padding never takes part: max ignores it, avg divides by the pixels inside the input.

import type { PoolAttrs } from "../node.js";
import { formatShape, type Dim, tensorType } from "../types.js";
import { convGeometry } from "./conv.js";
import { type OpDef, type Tensor64, problem } from "./def.js";

function geometry(h: number, w: number, a: PoolAttrs) {
  return convGeometry([h, w], a.window, { strides: a.strides, dilations: [1, 1], padding: a.padding, groups: 1 });
}

function referencePool(x: Tensor64, a: PoolAttrs, out: readonly number[], max: boolean): Tensor64 {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [, oh, ow] = out as [number, number, number, number];
  const { pads } = geometry(h, w, a);
  const data = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let k = 0; k < c; k++) {
          let acc = max ? -Infinity : 0;
          let count = 0;
          for (let i = 0; i < a.window[0]; i++) {
            const iy = oy * a.strides[0] - pads[0] + i;
            if (iy < 0 || iy >= h) continue;
            for (let j = 0; j < a.window[1]; j++) {
              const ix = ox * a.strides[1] - pads[2] + j;
              if (ix < 0 || ix >= w) continue;
              const v = x.data[((b * h + iy) * w + ix) * c + k]!;
              acc = max ? Math.max(acc, v) : acc + v;
              count++;
            }
          }
          data[((b * oh + oy) * ow + ox) * c + k] = max ? acc : acc / count;
        }
  return { shape: [...out], data };
}

function pool(max: boolean): OpDef<"max_pool" | "avg_pool"> {
  return {
    operands: ["input"],
    attrs: { window: "int-pair", strides: "int-pair", padding: "padding" },
    /** f32[N,28,28,8], window [2,2], strides [2,2], valid → f32[N,14,14,8]. */
    infer: ([x], a) => {
      const s = x!.shape;
      if (s.length !== 4) return problem("MC2004", `pooling expects an NHWC input [batch, height, width, channels], got ${formatShape(s)}`);
      if (![...a.window, ...a.strides].every((v) => Number.isInteger(v) && v >= 1)) {
        return problem("MC2006", `pool window and strides must be whole numbers ≥ 1, got window [${a.window.join(", ")}], strides [${a.strides.join(", ")}]`);
      }
      if (a.padding !== "valid" && a.padding !== "same") return problem("MC2006", `pool padding must be valid or same`);
      const [n, h, w, c] = s as [Dim, Dim, Dim, Dim];
      if (typeof h !== "number" || typeof w !== "number") return problem("MC2010", `pooling needs a known height and width, got ${formatShape(s)}`);
      const g = geometry(h, w, a);
      if (g.out[0] < 1 || g.out[1] < 1) {
        return problem("MC2006", `a ${a.window[0]}×${a.window[1]} window does not fit the ${h}×${w} input with padding ${a.padding}`);
      }
      return tensorType([n, g.out[0], g.out[1], c]);
    },
    reference: ([x], a, out) => referencePool(x!, a, out, max),
  };
}

export const max_pool: OpDef<"max_pool"> = pool(true);
export const avg_pool: OpDef<"avg_pool"> = pool(false);
