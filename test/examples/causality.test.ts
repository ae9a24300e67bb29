// Causality of the autoregressive examples, tested on the whole compiled network as MADE's authors test theirs:
// perturbing input pixel q (and, for RGB, colour c) must change no output at a position p ≤ q in raster order
// (for RGB: no colour ≤ c at q itself), while it does change outputs after it. The dependency is measured, not
// read off the mask literals: any leak through a layer, a residual or a stack link shows up.
import { describe, expect, it } from "vitest";
import { loadCompiled } from "../../src/codegen/index.js";
import { formatDiagnostics } from "../../src/diagnostics.js";
import { initWeights } from "../../src/io/init.js";
import { optimize } from "../../src/passes/pipeline.js";
import { rng } from "../support/random.js";
import { loadExample } from "./load.js";

interface Check {
  readonly file: string;
  /** Logits per colour: 256 for one colour, 768 = 3 × 256 (R, G, B contiguous) for RGB. */
  readonly colours: number;
}

const cases: Check[] = [
  { file: "pixelcnn.mconv", colours: 1 },
  { file: "gated_pixelcnn.mconv", colours: 1 },
  { file: "pixelcnn_rgb.mconv", colours: 3 },
];

describe.each(cases)("$file", ({ file, colours }) => {
  it("no output depends on its own pixel or later ones", async () => {
    const graph = loadExample(file);
    const x = graph.nodes.find((n) => n.op === "input")!;
    const [, h, w, c] = x.type.shape as [string, number, number, number];
    const model = await loadCompiled(optimize(graph), "js", initWeights(graph, "random", 5));
    if (!model.ok) throw new Error(formatDiagnostics(model.diagnostics));
    const r = rng(9);
    const base = Float32Array.from({ length: h * w * c }, () => r() * 2 - 1);
    const run = async (data: Float32Array) => (await model.value.predict({ [x.name]: { shape: [1, h, w, c], data } }))[graph.outputs[0]!.name]!;
    const y0 = await run(base);
    const perPixel = y0.data.length / (h * w);
    const perColour = perPixel / colours;
    // Corners, the centre, and random pixels; every colour of each.
    const probes = [[0, 0], [0, w - 1], [h - 1, 0], [h - 1, w - 1], [h >> 1, w >> 1], ...Array.from({ length: 8 }, () => [Math.floor(r() * h), Math.floor(r() * w)])];
    for (const [qi, qj] of probes as [number, number][]) {
      for (let qc = 0; qc < c; qc++) {
        const moved = base.slice();
        moved[(qi * w + qj) * c + qc]! += 1.5;
        const y1 = await run(moved);
        const q = qi * w + qj;
        let changedAfter = false;
        for (let p = 0; p < h * w; p++) {
          for (let k = 0; k < perPixel; k++) {
            const same = y1.data[p * perPixel + k] === y0.data[p * perPixel + k];
            const colour = Math.floor(k / perColour);
            const mustNotChange = p < q || (p === q && colour <= qc);
            if (mustNotChange && !same) {
              throw new Error(`input (${qi}, ${qj}, colour ${qc}) changed output (${Math.floor(p / w)}, ${p % w}) channel ${k} ${y0.data[p * perPixel + k]} -> ${y1.data[p * perPixel + k]}`);
            }
            if (!mustNotChange && !same) changedAfter = true;
          }
        }
        // The last pixel's last colour has nothing after it.
        if (q < h * w - 1 || qc < c - 1) expect(changedAfter, `input (${qi}, ${qj}, ${qc}) changes something after it`).toBe(true);
      }
    }
    model.value.dispose?.();
  });
});
