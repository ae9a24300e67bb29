// A file full of mistakes is reported in bounded time and size: the first hundred errors, then a stop.
import { expect, it } from "vitest";
import { MAX_ERRORS } from "../../src/parser/lower/context.js";
import { parseModel } from "../../src/parser/parse.js";

it("stops after a hundred semantic errors with a clear last word", () => {
  const lines = Array.from({ length: 5000 }, (_, i) => `  a${i} = relu(q${i})`);
  const text = `model M {\n  input x: f32[1, 2]\n${lines.join("\n")}\n  output a0\n}\n`;
  const r = parseModel({ name: "many.mconv", text });
  expect(r.ok).toBe(false);
  expect(r.diagnostics.length).toBe(MAX_ERRORS + 1);
  expect(r.diagnostics[0]!.code).toBe("MC2002");
  expect(r.diagnostics.at(-1)!.code).toBe("MC2030");
  expect(r.diagnostics.at(-1)!.message).toBe("stopped after 100 errors; fix these and check again");
});
