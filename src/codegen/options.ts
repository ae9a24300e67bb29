// What the generators take beyond the graph and the target.

/** How the code is generated, beyond the graph and the target. */
export interface CodegenOptions {
  /**
   * Allow code that rounds differently from the direct sums (the js target only; the tfjs target ignores it):
   * Winograd F(4×4, 3×3) for the 3×3 and smaller convs where it does fewer operations. Outputs then agree with
   * the exact ones to float32 rounding, but an output may pick up rounding noise (about 1e-16 of the values it is
   * computed with) from inputs of its tile that are outside its receptive field, a pixel or two away: a
   * perturbation test of causality, which wants no change at all, would see it. Off by default.
   */
  readonly fastMath?: boolean;
}
