// Set up for every test file (vitest.config.ts): V8 reports an asm.js module it cannot validate or link (the js
// target's conv loops, src/codegen/js/asm.ts) as a process warning named "V8" and then runs it as plain JavaScript —
// the same numbers, slower. A test file during which V8 warns fails.

import { afterAll, beforeAll, expect } from "vitest";

const seen: string[] = [];
const listener = (w: Error) => void (w.name === "V8" && seen.push(w.message));

beforeAll(() => void process.on("warning", listener));

afterAll(async () => {
  // Warnings are emitted on a later tick than the code that causes them.
  await new Promise((resolve) => setTimeout(resolve, 10));
  process.off("warning", listener);
  expect(seen, "V8 warned (an asm.js module refused?)").toEqual([]);
});
