// Live-tap analysis for the backends: the structural-zero analysis lives in the IR (ir/zeros.ts) so that passes
// crop and split kernels by the same facts; codegen reads it from here.

export { type ZeroFlags, knownZeros, liveTaps } from "../ir/zeros.js";
