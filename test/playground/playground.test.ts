// The playground in a real headless Chromium: the page builds, highlights with the grammar, shows the IR after each
// pass and the masks, reports diagnostics where they are, and runs models on tfjs-wasm in the browser with the
// numbers of the reference interpreter run here in Node. Writes a screenshot to test-output/playground.png.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lineCol } from "../../src/diagnostics.js";
import { interpret } from "../../src/ir/interpret.js";
import { printGraph } from "../../src/ir/text/print.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { makeInputs, makeWeights } from "../../playground/src/feeds.js";
import { repoRoot } from "../support/cli.js";
import { type Playground, openPlayground } from "./browser.js";

export const SCREENSHOT = join(repoRoot, "test-output", "playground.png");

const seedStatic = readFileSync(join(repoRoot, "examples/seed_static.mconv"), "utf8");

/** A model with a static causal mask, a dynamic mask, a symbolic batch, batch norm and two outputs. */
const randomModel = `model Random {
  input x: f32[N, 6, 6, 2]
  input m: f32[3, 3]
  mask c = causal(3, type=B)
  a = conv2d(x, filters=4, kernel=3, padding=same, mask=c, activation=relu)
  b = conv2d(a, filters=3, kernel=3, mask=m)
  y = batch_norm(b)
  output y, a
}
`;

let playground: Playground;
let page: Page;

/** Replaces the editor's text and waits for the recompile it triggers. */
async function setSource(text: string, how: "fill" | "type" = "fill"): Promise<void> {
  const source = page.locator("#source");
  if (how === "fill") {
    await source.fill(text);
  } else {
    await source.fill("");
    await source.pressSequentially(text);
  }
  await page.waitForSelector("#status:not([data-state=editing])");
}

/** Clicks Run and waits for it to end; returns the run status line. */
async function run(): Promise<string> {
  await page.click("#run");
  await page.waitForSelector("#run-status[data-state=done], #run-status[data-state=failed]", { timeout: 60_000 });
  const status = (await page.textContent("#run-status"))!;
  expect(await page.getAttribute("#run-status", "data-state"), status).toBe("done");
  return status;
}

/** An output as the page shows it: its shape and values (all of them, for outputs of up to 512 values). */
async function shownOutput(name: string): Promise<{ shape: number[]; values: number[] }> {
  const section = page.locator(`.output[data-name="${name}"]`);
  const shape = JSON.parse((await section.getAttribute("data-shape"))!) as number[];
  const values = (await section.locator(".values").textContent())!.split(/,\s*/).map(Number);
  return { shape, values };
}

/** Why the page could not be opened (no Chromium, a failed build): every test then fails with it, none is skipped. */
let failure: unknown;

beforeAll(async () => {
  try {
    playground = await openPlayground();
    page = playground.page;
    await page.waitForSelector("#status[data-state=ready]", { timeout: 60_000 });
  } catch (cause) {
    failure = cause;
  }
}, 300_000);

beforeEach(() => {
  if (failure !== undefined) throw failure;
});

afterAll(async () => {
  await playground?.close();
});

describe("the playground in Chromium", () => {
  it("highlights the model with the TextMate grammar", async () => {
    expect(await page.inputValue("#source")).toBe(seedStatic);
    expect(await page.locator('.tokens [data-scope="keyword.other.model.mconv"]').allTextContents()).toEqual(["model"]);
    expect(await page.locator('.tokens [data-scope="entity.name.function.mconv"]').allTextContents()).toEqual(["conv2d"]);
    expect(await page.locator('.tokens [data-scope="variable.parameter.mconv"]').allTextContents()).toEqual(["filters", "kernel", "mask", "activation"]);
    const colour = (scope: string) => page.locator(`.tokens [data-scope="${scope}"]`).first().evaluate((e) => e.ownerDocument.defaultView!.getComputedStyle(e).color);
    expect(await colour("keyword.other.model.mconv")).not.toBe(await colour("variable.other.mconv"));
    // The token layer holds exactly the source text.
    expect((await page.textContent(".tokens"))!.startsWith(seedStatic)).toBe(true);
  });

  it("shows the IR after every pass, as the pipeline prints it", async () => {
    const parsed = parseModel({ name: "model.mconv", text: seedStatic });
    if (!parsed.ok) throw new Error("examples/seed_static.mconv does not parse");
    const stages: [string, string][] = [["parsed", printGraph(parsed.value)]];
    const weights = makeWeights(parsed.value, "random", 1);
    // The page starts on tfjs (wasm): the tfjs pipeline, with its tfjs-only passes.
    const final = optimize(parsed.value, { weights, target: "tfjs", after: (pass, g) => stages.push([pass.name, printGraph(g)]) });
    stages.push(["final", printGraph(final)]);
    const options = await page.locator("#ir-stage option").evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value));
    expect(options).toEqual(stages.map(([name]) => name));
    for (const [name, ir] of stages) {
      await page.selectOption("#ir-stage", name);
      expect(await page.textContent("#ir")).toBe(ir);
    }
    // What the passes did, by hand: the parsed graph masks the kernel at run time; the final one folded it.
    expect(stages[0]![1]).toContain("masked_conv2d(%x, %y.kernel, %m)");
    expect(stages.at(-1)![1]).toContain("%y.kernel.masked = constant <54 values, 12 zero> : f32[3,3,3,2]");
    expect(stages.at(-1)![1]).not.toContain("masked_conv2d");
  });

  it("shows the mask as a grid of live and zero taps", async () => {
    const figure = page.locator('figure.mask[data-layer="y.conv"]');
    expect(await figure.locator("figcaption").textContent()).toBe("y.conv: mask %m [3, 3], 7 of 9 taps live");
    const taps = await figure.locator(".tap").evaluateAll((cells) => cells.map((c) => (c.classList.contains("live") ? 1 : c.classList.contains("zero") ? 0 : -1)));
    expect(taps).toEqual([1, 1, 0, 1, 1, 1, 0, 1, 1]);
  });

  it("runs the founding model typed in, on tfjs-wasm: ones in, ones weights, every output 21", async () => {
    await setSource(seedStatic, "type");
    expect(await page.inputValue("#source")).toBe(seedStatic);
    // The highlighted and underline layers scroll with the textarea, so the colours stay under the letters.
    const scroll = await Promise.all(
      [".editor textarea", ".editor .tokens", ".editor .marks"].map((q) => page.locator(q).evaluate((e) => [e.scrollLeft, e.scrollTop])),
    );
    expect(scroll[1]).toEqual(scroll[0]);
    expect(scroll[2]).toEqual(scroll[0]);
    await page.selectOption("#weights", "ones");
    await page.selectOption("#inputs", "ones");
    await page.selectOption("#backend", "tfjs-wasm");
    await page.waitForSelector("#status[data-state=ready]");
    const status = await run();
    expect(status).toMatch(/^ran on tfjs-wasm in [\d.]+ ms/);
    expect(await page.getAttribute("#run-status", "data-difference")).toBe("0");
    expect(await shownOutput("y")).toEqual({ shape: [1, 2, 2, 2], values: [21, 21, 21, 21, 21, 21, 21, 21] });
    mkdirSync(join(repoRoot, "test-output"), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`playground screenshot after a run: ${SCREENSHOT}`);
  });

  it.each(["tfjs-wasm", "js"])("runs a random model on %s as the reference interpreter does in Node", async (backend) => {
    await setSource(randomModel);
    await page.selectOption("#weights", "random");
    await page.fill("#weights-seed", "5");
    await page.dispatchEvent("#weights-seed", "change");
    await page.selectOption("#inputs", "random");
    await page.fill("#inputs-seed", "9");
    await page.fill('#sizes input[data-symbol="N"]', "2");
    await page.selectOption("#backend", backend);
    await page.waitForSelector("#status[data-state=ready]");
    expect(await run()).toContain(`ran on ${backend}`);

    const parsed = parseModel({ name: "model.mconv", text: randomModel });
    if (!parsed.ok) throw new Error("the random model does not parse");
    const expected = interpret(parsed.value, makeInputs(parsed.value, "random", 9, { N: 2 }), makeWeights(parsed.value, "random", 5));
    for (const name of ["y", "a"]) {
      const shown = await shownOutput(name);
      expect(shown.shape).toEqual(expected[name]!.shape);
      const want = Array.from(expected[name]!.data);
      const scale = Math.max(1, ...want.map(Math.abs));
      const worst = Math.max(...shown.values.map((v, i) => Math.abs(v - want[i]!) / scale));
      expect(shown.values.length).toBe(want.length);
      expect(worst).toBeLessThan(1e-5);
      expect(want.some((v) => v !== 0)).toBe(true);
    }
    expect(Number(await page.getAttribute("#run-status", "data-difference"))).toBeLessThan(1e-5);
  });

  it("runs a whole example (PixelCNN, its inputs file) on tfjs-wasm within float32 of the reference", async () => {
    await page.selectOption("#example", "pixelcnn");
    await page.waitForSelector("#status[data-state=ready]");
    await page.selectOption("#inputs", "example");
    await page.selectOption("#backend", "tfjs-wasm");
    expect(await run()).toContain("ran on tfjs-wasm");
    expect(Number(await page.getAttribute("#run-status", "data-difference"))).toBeLessThan(1e-4);
    expect((await shownOutput("logits")).shape).toEqual([1, 28, 28, 256]);
    // The stem's 7×7 type-A mask: 24 of 49 taps live (van den Oord et al. 2016), then 15 blocks of 3×3 type B.
    expect(await page.locator("figure.mask figcaption").first().textContent()).toBe("stem.conv: mask %stem.mask [7, 7], 24 of 49 taps live");
    expect(await page.locator("figure.mask figcaption").allTextContents()).toContain("res15.c.conv: mask %res15.c.mask [3, 3], 5 of 9 taps live");
    expect(await page.locator("figure.mask").count()).toBe(16);
  });

  it.each([
    ["a syntax error", seedStatic.replace("activation=relu", 'activation="relu"'), "MC1001"],
    ["a shape error", seedStatic.replace("[0, 1, 1]]", "[0, 1, 1], [1, 1, 1]]"), "MC2"],
  ])("reports %s inline, where it is, as the compiler does", async (_what, text, code) => {
    await setSource(text);
    await page.waitForSelector("#status[data-state=errors]");
    const parsed = parseModel({ name: "model.mconv", text });
    expect(parsed.ok).toBe(false);
    const expected = parsed.diagnostics.map((d) => {
      const at = lineCol(d.span!.source, d.span!.start);
      return { code: d.code, where: `${at.line}:${at.col}`, message: d.message, underlined: text.slice(d.span!.start, Math.max(d.span!.end, d.span!.start + 1)) };
    });
    expect(expected[0]!.code.startsWith(code)).toBe(true);
    const items = page.locator("#diagnostics .diagnostic");
    const shown = await items.evaluateAll((lis) =>
      lis.map((li) => ({ code: li.getAttribute("data-code"), where: li.querySelector(".where")!.textContent, message: li.querySelector(".message")!.textContent })),
    );
    expect(shown).toEqual(expected.map(({ code, where, message }) => ({ code, where, message })));
    expect(await page.locator(".marks .mark.error").allTextContents()).toEqual(expected.map((e) => e.underlined));
    expect(await page.isDisabled("#run")).toBe(true);
    // A click on the message selects its range in the editor.
    await items.first().click();
    const selected = await page.locator("#source").evaluate((t) => {
      const a = t as unknown as { value: string; selectionStart: number; selectionEnd: number };
      return a.value.slice(a.selectionStart, a.selectionEnd);
    });
    expect(selected).toBe(expected[0]!.underlined);
  });

  it("raised no uncaught error in the page", () => {
    expect(playground.pageErrors).toEqual([]);
  });
});
