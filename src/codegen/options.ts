// What the generators take beyond the graph and the target.

/** How the code is generated, beyond the graph and the target. */
export interface CodegenOptions {
  /**
   * Allow code that rounds differently from the direct sums (the js target only; the tfjs target ignores it):
   * Winograd F(4×4, r×s) for convs of at most 3×3 where it does fewer operations. An output then carries rounding
   * noise of about 1e-16 times the largest products of inputs and weights in its 4×4 tile's input window (times a
   * transform factor up to a few tens), some of it from inputs outside its receptive field, up to 3 pixels away
   * on any side: a perturbation test of causality, which wants no change at all, sees it. Off by default.
   */
  readonly fastMath?: boolean;
}
