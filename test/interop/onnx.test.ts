// The onnx target through the real client: every example compiled with `mconv compile --target onnx`, opened by
// onnxruntime-node from the file, run, and compared with `mconv run`; and `mconv run --backend onnx`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import onnxProto from "onnx-proto";
import { mconv, repoRoot, scratchDir } from "../support/cli.js";
import { maxRelativeError } from "../support/random.js";
import { EXAMPLES, readTensors, runTensors, weightsArgs } from "./support.js";

async function compileOnnx(name: string): Promise<string> {
  const file = join(scratchDir(`onnx-${name}`), `${name}.onnx`);
  const r = await mconv("compile", `examples/${name}.mconv`, "--target", "onnx", ...weightsArgs(name), "-o", file);
  expect(r.code, r.stderr).toBe(0);
  return file;
}

describe("onnx target", () => {
  it.each(EXAMPLES)("%s runs on onnxruntime-node with the outputs of mconv run", async (name) => {
    const session = await ort.InferenceSession.create(await compileOnnx(name));
    const inputsFile = `examples/${name}.inputs.json`;
    const inputs = readTensors(join(repoRoot, inputsFile));
    const feeds = Object.fromEntries(Object.entries(inputs).map(([k, t]) => [k, new ort.Tensor("float32", Float32Array.from(t.data), t.shape)]));
    const got = await session.run(feeds);
    const expected = await runTensors("run", `examples/${name}.mconv`, "--inputs", inputsFile, ...weightsArgs(name));
    expect(session.outputNames).toEqual(Object.keys(expected));
    for (const [o, e] of Object.entries(expected)) {
      expect([...got[o]!.dims]).toEqual(e.shape);
      expect(maxRelativeError(got[o]!.data as Float32Array, e.data)).toBeLessThan(1e-5);
    }
    await session.release();
  });

  it.each(EXAMPLES)("mconv run --backend onnx gives %s the outputs of tfjs-wasm", async (name) => {
    const args = ["run", `examples/${name}.mconv`, "--inputs", `examples/${name}.inputs.json`, ...weightsArgs(name)];
    const onnx = await runTensors(...args, "--backend", "onnx");
    const wasm = await runTensors(...args);
    for (const [o, e] of Object.entries(wasm)) expect(maxRelativeError(onnx[o]!.data, e.data)).toBeLessThan(1e-5);
  });

  it("writes opset 17 with the static mask folded into an initializer and the dynamic one as an input", async () => {
    const { onnx } = onnxProto;
    const decode = (file: string) => {
      const model = onnx.ModelProto.decode(readFileSync(file));
      const g = model.graph!;
      return { opsetImport: model.opsetImport, graph: { input: g.input ?? [], node: g.node ?? [], initializer: g.initializer ?? [] } };
    };
    const dynamic = decode(await compileOnnx("seed"));
    expect(Number(dynamic.opsetImport[0]!.version)).toBe(17);
    expect(dynamic.graph.input.map((i) => i.name)).toEqual(["x", "m"]);
    expect(dynamic.graph.node.map((n) => n.opType)).toEqual(["Transpose", "Reshape", "Mul", "Transpose", "Conv", "Transpose", "Identity"]);
    const fixed = decode(await compileOnnx("seed_static"));
    expect(fixed.graph.input.map((i) => i.name)).toEqual(["x"]);
    expect(fixed.graph.node.map((n) => n.opType)).toEqual(["Transpose", "Conv", "Relu", "Transpose", "Identity"]);
    // The OIHW kernel [2, 3, 3, 3] holds zeros at the mask's dead taps (0,2) and (2,0) for every channel pair.
    const w = fixed.graph.initializer.find((t) => t.dims!.length === 4)!;
    const raw = w.rawData!;
    const k = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.length));
    for (let o = 0; o < 2; o++)
      for (let c = 0; c < 3; c++) {
        expect(k[((o * 3 + c) * 3 + 0) * 3 + 2] === 0).toBe(true); // 0 or −0
        expect(k[((o * 3 + c) * 3 + 2) * 3 + 0] === 0).toBe(true);
        expect(k[((o * 3 + c) * 3 + 1) * 3 + 1]).not.toBe(0);
      }
  });
});
