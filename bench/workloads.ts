// The workloads of `npm run bench`: single masked convs (the REFERENCES.md "Measured" table) and the PixelCNN
// example, each written as .mconv text in the variants compared — dense, static mask, dynamic mask — and the mask
// values the dynamic variant and the hand-written baseline are fed. Model text comes from functions, not files.

import { readFileSync } from "node:fs";

/**
 * Fed masks declare their fixed zero pattern (`within`), as a user whose mask values change but whose pattern does
 * not would write; MCONV_BENCH_WITHIN=0 measures them without it (every tap may be live).
 */
export const WITHIN = process.env["MCONV_BENCH_WITHIN"] !== "0";

export type Variant = "dense" | "static" | "dynamic" | "baseline";

/** One conv: batch, input H×W×C → `out` channels, a k×k kernel, a mask over its taps. */
export interface ConvWorkload {
  readonly kind: "conv";
  readonly name: string;
  readonly title: string;
  readonly batch: number;
  readonly size: readonly [number, number];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernel: number;
  readonly padding: "same" | "valid";
  /** The mask as the language spells it (`causal(7, type=A)`, or a list literal). */
  readonly maskText: string;
  /** Its values, row-major [k, k]. */
  readonly mask: readonly number[];
}

/** A whole example network: dense (masks removed) against static (as written). */
export interface ModelWorkload {
  readonly kind: "model";
  readonly name: string;
  readonly title: string;
  readonly batch: number;
  readonly text: string;
  readonly denseText: string;
}

export type Workload = ConvWorkload | ModelWorkload;

/** PixelCNN's raster-order causal mask (REFERENCES.md): rows above live, the centre row left of centre (+ centre for B). */
export function causalMask(k: number, type: "A" | "B"): number[] {
  const c = Math.floor(k / 2);
  const out: number[] = [];
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out.push(i < c || (i === c && (j < c || (type === "B" && j === c))) ? 1 : 0);
  return out;
}

const SEVEN_OF_NINE = [1, 1, 0, 1, 1, 1, 0, 1, 1];
const listLiteral = (values: readonly number[], k: number) =>
  `[${Array.from({ length: k }, (_, i) => `[${values.slice(i * k, (i + 1) * k).join(", ")}]`).join(", ")}]`;

/** The workloads; `quick` shrinks sizes for a smoke test (same shapes of problem, a fraction of the work). */
export function workloads(quick: boolean, root: string): Workload[] {
  const s = (full: number, small: number) => (quick ? small : full);
  const written = readFileSync(`${root}/examples/pixelcnn.mconv`, "utf8");
  // Quick: the same network with 2 residual blocks on 8×8 images.
  const pixelcnn = quick ? written.replace(/repeat 15\b/, "repeat 2").replace("f32[N, 28, 28, 1]", "f32[N, 8, 8, 1]") : written;
  return [
    {
      kind: "conv", name: "7x7-A", title: `batch ${s(16, 2)}, ${s(28, 8)}×${s(28, 8)}×1 → ${s(64, 8)}, 7×7 SAME, type-A mask`,
      batch: s(16, 2), size: [s(28, 8), s(28, 8)], inChannels: 1, outChannels: s(64, 8), kernel: 7, padding: "same",
      maskText: "causal(7, type=A)", mask: causalMask(7, "A"),
    },
    {
      kind: "conv", name: "3x3-B-64", title: `batch ${s(16, 2)}, ${s(28, 6)}×${s(28, 6)}×${s(64, 4)} → ${s(64, 4)}, 3×3 SAME, type-B mask`,
      batch: s(16, 2), size: [s(28, 6), s(28, 6)], inChannels: s(64, 4), outChannels: s(64, 4), kernel: 3, padding: "same",
      maskText: "causal(3, type=B)", mask: causalMask(3, "B"),
    },
    {
      kind: "conv", name: "3x3-7of9", title: `batch ${s(8, 2)}, ${s(64, 8)}×${s(64, 8)}×${s(32, 4)} → ${s(64, 4)}, 3×3 VALID, 7-of-9 mask`,
      batch: s(8, 2), size: [s(64, 8), s(64, 8)], inChannels: s(32, 4), outChannels: s(64, 4), kernel: 3, padding: "valid",
      maskText: listLiteral(SEVEN_OF_NINE, 3), mask: SEVEN_OF_NINE,
    },
    {
      kind: "model", name: "pixelcnn", title: quick ? "examples/pixelcnn.mconv cut to 2 blocks on 8×8, batch 2" : "examples/pixelcnn.mconv, batch 4",
      batch: s(4, 2),
      text: pixelcnn,
      denseText: pixelcnn.replace(/, mask=causal\([^)]*\)/g, ""),
    },
  ];
}

/** The .mconv text of a conv workload in a variant (the baseline uses the dense model's weights). */
export function convModel(w: ConvWorkload, variant: Exclude<Variant, "baseline">): string {
  const [h, wd] = w.size;
  const lines = [`model Bench {`, `  input x: f32[N, ${h}, ${wd}, ${w.inChannels}]`];
  let mask = "";
  if (variant === "static") mask = `, mask=${w.maskText}`;
  if (variant === "dynamic") {
    lines.push(`  input m: f32[${w.kernel}, ${w.kernel}]${WITHIN ? ` within ${w.maskText}` : ""}`);
    mask = ", mask=m";
  }
  lines.push(`  y = conv2d(x, filters=${w.outChannels}, kernel=${w.kernel}, padding=${w.padding}${mask})`, `  output y`, `}`);
  return lines.join("\n") + "\n";
}

/** Generated models for compile time: `layers` masked 3×3 convs in a chain. */
export function chainModel(layers: number): string {
  const lines = [`model Chain${layers} {`, `  input x: f32[N, 8, 8, 4]`, `  h0 = conv2d(x, filters=4, kernel=3, padding=same, mask=causal(3, type=A))`];
  for (let i = 1; i < layers; i++) {
    lines.push(`  h${i} = conv2d(h${i - 1}, filters=4, kernel=3, padding=same, mask=causal(3, type=B), activation=relu)`);
  }
  lines.push(`  output h${layers - 1}`, `}`);
  return lines.join("\n") + "\n";
}
