// Shape ops: reshape, concat and slice along an axis, pad, nearest-neighbour upsample. Row-major order throughout.

import { formatShape, type Dim, tensorType } from "../types.js";
import { type OpDef, normalizeAxis, problem, stridesOf } from "./def.js";

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

/** The row-major walk shared by concat and slice: `outer` blocks of `inner`-long runs along one axis. */
function axisBlocks(shape: readonly number[], axis: number): { outer: number; inner: number } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  return { outer, inner };
}

export const concat: OpDef<"concat"> = {
  operands: ["inputs"],
  variadic: true,
  attrs: { axis: "int" },
  /** f32[N,4,4,2] and f32[N,4,4,3] on axis 3 → f32[N,4,4,5]; every other axis must agree, the axis known. */
  infer: (types, a) => {
    const first = types[0]!.shape;
    if (normalizeAxis(a.axis, first.length) !== a.axis) {
      return problem("MC2017", `concat axis ${a.axis} is not an axis of ${formatShape(first)}`);
    }
    let total = 0;
    for (const t of types) {
      const s = t.shape;
      const d = s[a.axis];
      const fits = s.length === first.length && s.every((v, i) => i === a.axis || v === first[i]);
      if (!fits || typeof d !== "number") {
        return problem("MC2007", `concat on axis ${a.axis} needs equal shapes elsewhere and a known size there: ${types.map((x) => formatShape(x.shape)).join(" and ")}`);
      }
      total += d;
    }
    return tensorType(first.map((v, i) => (i === a.axis ? total : v)));
  },
  reference: (args, a, out) => {
    const { outer } = axisBlocks(out, a.axis);
    const data = new Float64Array(out.reduce((x, y) => x * y, 1));
    let at = 0;
    for (let o = 0; o < outer; o++) {
      for (const t of args) {
        const run = t.data.length / outer;
        data.set(t.data.subarray(o * run, (o + 1) * run), at);
        at += run;
      }
    }
    return { shape: [...out], data };
  },
};

export const slice: OpDef<"slice"> = {
  operands: ["input"],
  attrs: { axis: "int", begin: "int", size: "int" },
  /** f32[N,4,4,6] on axis 3 from 2, size 2 → f32[N,4,4,2]. */
  infer: ([x], a) => {
    const s = x!.shape;
    if (normalizeAxis(a.axis, s.length) !== a.axis) return problem("MC2017", `slice axis ${a.axis} is not an axis of ${formatShape(s)}`);
    const n = s[a.axis];
    if (typeof n !== "number") return problem("MC2010", `slice needs a known size on axis ${a.axis} of ${formatShape(s)}`);
    if (!Number.isInteger(a.begin) || !Number.isInteger(a.size) || a.begin < 0 || a.size < 1 || a.begin + a.size > n) {
      return problem("MC2017", `slice [${a.begin}, ${a.begin + a.size}) does not fit axis ${a.axis} of size ${n} in ${formatShape(s)}`);
    }
    return tensorType(s.map((v, i) => (i === a.axis ? a.size : v)));
  },
  reference: ([x], a, out) => {
    const { outer, inner } = axisBlocks(x!.shape, a.axis);
    const n = x!.shape[a.axis]!;
    const data = new Float64Array(outer * a.size * inner);
    for (let o = 0; o < outer; o++) {
      data.set(x!.data.subarray((o * n + a.begin) * inner, (o * n + a.begin + a.size) * inner), o * a.size * inner);
    }
    return { shape: [...out], data };
  },
};

export const pad: OpDef<"pad"> = {
  operands: ["input"],
  attrs: { pads: "ints", value: "float" },
  /** f32[N,4,4,3] with pads [0,0, 1,2, 0,1, 0,0] → f32[N,7,5,3]: [before, after] per axis. */
  infer: ([x], a) => {
    const s = x!.shape;
    if (a.pads.length !== 2 * s.length || !a.pads.every((p) => Number.isInteger(p) && p >= 0)) {
      return problem("MC2017", `pad needs [before, after] whole numbers ≥ 0 for each of the ${s.length} axes of ${formatShape(s)}, got [${a.pads.join(", ")}]`);
    }
    if (!Number.isFinite(a.value)) return problem("MC2017", `pad value must be finite, got ${a.value}`);
    const padded = s.map((d, i) => (a.pads[2 * i] === 0 && a.pads[2 * i + 1] === 0 ? d : typeof d === "number" ? d + a.pads[2 * i]! + a.pads[2 * i + 1]! : undefined));
    if (padded.includes(undefined)) return problem("MC2010", `pad cannot grow a symbolic axis of ${formatShape(s)}`);
    return tensorType(padded as Dim[]);
  },
  reference: ([x], a, out) => {
    const data = new Float64Array(out.reduce((p, q) => p * q, 1)).fill(a.value);
    const xs = stridesOf(x!.shape);
    const os = stridesOf(out);
    for (let i = 0; i < x!.data.length; i++) {
      let at = 0;
      for (let d = 0; d < xs.length; d++) at += (Math.floor(i / xs[d]!) % x!.shape[d]! + a.pads[2 * d]!) * os[d]!;
      data[at] = x!.data[i]!;
    }
    return { shape: [...out], data };
  },
};

export const upsample: OpDef<"upsample"> = {
  operands: ["input"],
  attrs: { factors: "int-pair" },
  /** f32[N,4,4,8] by [2,2] → f32[N,8,8,8]: each pixel repeated (nearest neighbour). */
  infer: ([x], a) => {
    const s = x!.shape;
    if (s.length !== 4) return problem("MC2004", `upsample expects an NHWC input [batch, height, width, channels], got ${formatShape(s)}`);
    if (!a.factors.every((f) => Number.isInteger(f) && f >= 1)) return problem("MC2017", `upsample factors must be whole numbers ≥ 1, got [${a.factors.join(", ")}]`);
    const [n, h, w, c] = s as [Dim, Dim, Dim, Dim];
    if (typeof h !== "number" || typeof w !== "number") return problem("MC2010", `upsample needs a known height and width, got ${formatShape(s)}`);
    return tensorType([n, h * a.factors[0], w * a.factors[1], c]);
  },
  reference: ([x], a, out) => {
    const [n, oh, ow, c] = out as [number, number, number, number];
    const [, h, w] = x!.shape as [number, number, number, number];
    const data = new Float64Array(n * oh * ow * c);
    for (let b = 0; b < n; b++)
      for (let y = 0; y < oh; y++)
        for (let z = 0; z < ow; z++)
          for (let k = 0; k < c; k++) {
            data[((b * oh + y) * ow + z) * c + k] = x!.data[((b * h + Math.floor(y / a.factors[0])) * w + Math.floor(z / a.factors[1])) * c + k]!;
          }
    return { shape: [...out], data };
  },
};
