// Per-channel linear maps: dense (x [..., in] · kernel [in, out]) and inference batch_norm over the last axis.

import { formatShape, tensorType } from "../types.js";
import { type OpDef, problem } from "./def.js";

export const dense: OpDef<"dense"> = {
  operands: ["input", "kernel"],
  attrs: {},
  /** x f32[N,784] · kernel f32[784,10] → f32[N,10]; any leading axes are kept. */
  infer: ([x, k]) => {
    const s = x!.shape;
    if (s.length < 1 || k!.shape.length !== 2 || s[s.length - 1] !== k!.shape[0]) {
      return problem("MC2005", `dense needs a kernel [in, out] whose in equals the input's last axis: input ${formatShape(s)}, kernel ${formatShape(k!.shape)}`);
    }
    return tensorType([...s.slice(0, -1), k!.shape[1]!]);
  },
  reference: ([x, k], _a, out) => {
    const [kin, kout] = k!.shape as [number, number];
    const rows = x!.data.length / kin;
    const data = new Float64Array(rows * kout);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < kout; o++) {
        let acc = 0;
        for (let i = 0; i < kin; i++) acc += x!.data[r * kin + i]! * k!.data[i * kout + o]!;
        data[r * kout + o] = acc;
      }
    return { shape: [...out], data };
  },
};

export const batch_norm: OpDef<"batch_norm"> = {
  operands: ["input", "gamma", "beta", "mean", "variance"],
  attrs: { epsilon: "float" },
  /** x f32[N,4,4,8] with gamma, beta, mean, variance f32[8] → f32[N,4,4,8]. */
  infer: ([x, ...stats], a) => {
    const c = x!.shape[x!.shape.length - 1];
    if (typeof c !== "number" || !stats.every((t) => t.shape.length === 1 && t.shape[0] === c)) {
      return problem("MC2009", `batch_norm needs gamma, beta, mean and variance of shape [${c}] for the input ${formatShape(x!.shape)}, got ${stats.map((t) => formatShape(t.shape)).join(", ")}`);
    }
    if (!(a.epsilon >= 0) || !Number.isFinite(a.epsilon)) return problem("MC2017", `batch_norm epsilon must be finite and ≥ 0, got ${a.epsilon}`);
    return tensorType(x!.shape);
  },
  reference: ([x, gamma, beta, mean, variance], a) => {
    const c = gamma!.data.length;
    const data = x!.data.map((v, i) => {
      const k = i % c;
      return ((v - mean!.data[k]!) / Math.sqrt(variance!.data[k]! + a.epsilon)) * gamma!.data[k]! + beta!.data[k]!;
    });
    return { shape: x!.shape, data };
  },
};
