// mconv masks: masks as terminal art per channel group, the receptive field of an output pixel (checked against
// the reference interpreter by perturbing every input pixel), and the same pictures as PNG and SVG.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/ir/interpret.js";
import type { Graph } from "../../src/ir/node.js";
import { parseModel } from "../../src/parser/parse.js";
import { receptiveField } from "../../src/tools/field.js";
import { xmlText } from "../../src/tools/image.js";
import { channelList, masksOf } from "../../src/tools/masks.js";
import { mconv, scratchDir } from "../support/cli.js";
import { randomFeeds } from "../support/random.js";

function model(text: string): Graph {
  const r = parseModel({ name: "m.mconv", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.value;
}

/** A plain PixelCNN: one type-A and three type-B 3×3 masked convs, linear so every live path shows. */
const PLAIN = `model Plain {
  input x: f32[1, 10, 10, 1]
  a = conv2d(x, filters=3, kernel=3, padding=same, mask=causal(3, type=A))
  b = conv2d(a, filters=3, kernel=3, padding=same, mask=causal(3, type=B))
  c = conv2d(b, filters=3, kernel=3, padding=same, mask=causal(3, type=B))
  d = conv2d(c, filters=2, kernel=3, padding=same, mask=causal(3, type=B))
  output d
}
`;

/** The oracle: the input pixels whose change changes output pixel (r, c), by the reference interpreter. */
function perturbed(g: Graph, r: number, c: number): boolean[] {
  const { inputs, params } = randomFeeds(g, 5);
  const x = inputs["x"]!;
  const [, H, W, C] = x.shape as number[];
  const base = interpret(g, inputs, params)["d"]!;
  const [, , OW, OC] = base.shape as number[];
  const at = (t: { data: ArrayLike<number> }) => Array.from({ length: OC! }, (_, o) => t.data[(r * OW! + c) * OC! + o]!);
  const before = at(base);
  const reach: boolean[] = [];
  for (let y = 0; y < H!; y++) {
    for (let xx = 0; xx < W!; xx++) {
      const data = Float64Array.from(x.data);
      for (let ch = 0; ch < C!; ch++) data[(y * W! + xx) * C! + ch]! += 1;
      const after = at(interpret(g, { ...inputs, x: { shape: x.shape, data } }, params)["d"]!);
      reach.push(after.some((v, o) => Math.abs(v - before[o]!) > 1e-9));
    }
  }
  return reach;
}

describe("masks as terminal art", () => {
  it("draws the seed's static mask with its live taps", async () => {
    const r = await mconv("masks", "examples/seed_static.mconv");
    expect(r).toEqual({ code: 0, stderr: "", stdout: "m [3, 3]: kernel mask of y.conv; 7 of 9 taps live\n  ▓ ▓ ·\n  ▓ ▓ ▓\n  · ▓ ▓\n" });
  });

  it("splits a grouped causal mask into its colour groups: the centre of in-group g → out-group h is live iff g < h (type A)", () => {
    const [stem] = masksOf(model("model M {\n  input x: f32[1, 8, 8, 3]\n  y = conv2d(x, filters=6, kernel=3, padding=same, mask=causal(3, type=A, groups=3))\n  output y\n}\n"));
    expect(stem!.rows).toEqual(["0", "1", "2"]);
    expect(stem!.columns).toEqual(["0–1", "2–3", "4–5"]);
    stem!.panels.forEach((p, k) => {
      const [g, h] = [Math.floor(k / 3), k % 3];
      // Rows above and the left of the centre row are live for every pair; the centre by the group rule.
      expect(p.grid.live).toEqual([true, true, true, true, g < h, false, false, false, false]);
    });
    expect(stem!.liveTaps).toBe(5);
  });

  it("names interleaved groups by their channels", () => {
    expect(channelList([0, 3, 6, 9])).toBe("0, 3, …, 9");
    expect(channelList([4, 5, 6, 7])).toBe("4–7");
    expect(channelList([1, 2, 5])).toBe("1, 2, 5");
  });

  it("says so when every mask is fed at run time", async () => {
    expect(await mconv("masks", "examples/seed.mconv")).toEqual({ code: 0, stderr: "", stdout: "model Seed has no static masks\n" });
  });

  it("shows masks applied to activations", async () => {
    const r = await mconv("masks", "examples/realnvp_masks.mconv");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("first_half [4]: applied to the activations in c3.kept; 2 of 4 channels live\n  ▓ ▓ · ·\n");
  });
});

describe("the receptive field", () => {
  it("is exactly the pixels whose perturbation changes the output, in a plain PixelCNN; its blind spot included", () => {
    const g = model(PLAIN);
    for (const [r, c] of [[6, 5], [9, 9], [0, 3]] as const) {
      expect(receptiveField(g, "d", "x", [r, c]).reach, `pixel ${r},${c}`).toEqual(perturbed(g, r, c));
    }
    // The blind spot: at (6, 5), pixel (5, 7) precedes it in raster order and is within reach of four 3×3
    // layers, yet no path of masked taps gets there.
    const f = receptiveField(g, "d", "x", [6, 5]);
    expect(f.reach[5 * 10 + 7]).toBe(false);
    expect(f.reach[5 * 10 + 6]).toBe(true);
    expect(f.reach[6 * 10 + 5]).toBe(false); // type A: never the pixel itself
  });

  it("has no blind spot in the Gated PixelCNN: every pixel above within reach, and to the left", async () => {
    const r = await mconv("masks", "examples/gated_pixelcnn.mconv", "--field", "8,8");
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split("\n").slice(1, 17).map((l) => l.trim().split(" "));
    // Four 3×3 vertical layers reach 4 rows up and 4 columns either side; the 1×3 horizontal stack 4 to the left.
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const expected = y === 8 && x === 8 ? "◆" : (y >= 4 && y < 8 && x >= 4 && x <= 12) || (y === 8 && x >= 4 && x < 8) ? "▓" : "·";
        expect(rows[y]![x], `${y},${x}`).toBe(expected);
      }
    }
  });

  it("refuses a pixel outside the output and a malformed --field", async () => {
    expect((await mconv("masks", "examples/pixelcnn.mconv", "--field", "28,0")).stderr).toContain("pixel 28,0 is outside the 28×28 output");
    expect((await mconv("masks", "examples/pixelcnn.mconv", "--field", "a,b")).code).toBe(2);
    expect((await mconv("masks", "examples/pixelcnn.mconv", "--field", "1,1", "--of", "nope")).code).toBe(2);
  });
});

describe("pictures as files", () => {
  it("writes the field as a PNG: the output pixel red, reached pixels dark, the rest light", async () => {
    const out = join(scratchDir("masks"), "field.png");
    const r = await mconv("masks", "examples/pixelcnn.mconv", "--field", "14,14", "--png", out);
    expect(r.code, r.stderr).toBe(0);
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([28 * 12, 28 * 12]);
    const rgb = (row: number, col: number) => [...png.data.subarray(((row * 12 + 5) * png.width + col * 12 + 5) * 4, ((row * 12 + 5) * png.width + col * 12 + 5) * 4 + 3)];
    expect(rgb(14, 14)).toEqual([214, 48, 49]);
    expect(rgb(13, 14)).toEqual([40, 40, 40]);
    expect(rgb(20, 14)).toEqual([228, 228, 228]);
  });

  it("writes masks as SVG with their names as titles", async () => {
    const out = join(scratchDir("masks"), "m.svg");
    expect((await mconv("masks", "examples/seed_static.mconv", "--svg", out)).code).toBe(0);
    const svg = readFileSync(out, "utf8");
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("<title>m [3, 3]: kernel mask of y.conv</title>");
    expect(svg.match(/<rect /g)).toHaveLength(9);
    expect(xmlText(`<a href="x">&'\u0001`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&apos;?");
  });
});
