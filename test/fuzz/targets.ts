// The fuzz targets: each an arbitrary over one entry point's input and the check of its properties, with its
// share of a campaign's inputs. The vitest suites run each target a bounded number of times; campaign.ts runs
// them for as long as asked. `replay` runs one input as text, for regression files and known bugs.

import fc from "fast-check";
import { emitModule } from "../../src/codegen/index.js";
import { parseModel } from "../../src/parser/parse.js";
import { optimize } from "../../src/passes/pipeline.js";
import { irText } from "./arbitraries/ir.js";
import { jsonText, maskFileText } from "./arbitraries/json.js";
import { atTheLimits, deepNesting, mutatedProgram, oddNames, oddNumbers, soupInModel, tokenSoup, unicodeNoise } from "./arbitraries/mconv.js";
import { randomProgram } from "./arbitraries/program.js";
import { argvArbitrary, checkCli } from "./cli.js";
import { type KnownBug, knownBug } from "./known.js";
import { checkParse, checkReadGraph, checkTensorFile, timed } from "./properties.js";

export type Entry = KnownBug["entry"];

export interface Target {
  readonly name: string;
  readonly entry: Entry;
  /** Its share of a campaign's inputs, relative to the others. */
  readonly weight: number;
  readonly arbitrary: fc.Arbitrary<string>;
}

/** A model whose mask comes from load(): the mask-file target's input is that file. */
const LOADING_MODEL = `model Loaded {
  input x: f32[1, 5, 5, 2]
  mask m = load("masks/m.json")
  y = conv2d(x, filters=2, kernel=3, mask=not(m), padding=same)
  output y
}
`;

/** argv travels as JSON text, so that every target's input is a string (files, reports, replays). */
const argvText = argvArbitrary.map((argv) => JSON.stringify(argv));

export const TARGETS: readonly Target[] = [
  { name: "parse/mutated", entry: "parse", weight: 20, arbitrary: mutatedProgram },
  { name: "parse/programs", entry: "parse", weight: 12, arbitrary: randomProgram },
  { name: "parse/token-soup", entry: "parse", weight: 5, arbitrary: tokenSoup },
  { name: "parse/soup-in-model", entry: "parse", weight: 5, arbitrary: soupInModel },
  { name: "parse/nesting", entry: "parse", weight: 3, arbitrary: deepNesting },
  { name: "parse/numbers", entry: "parse", weight: 4, arbitrary: oddNumbers },
  { name: "parse/unicode", entry: "parse", weight: 5, arbitrary: unicodeNoise },
  { name: "parse/names", entry: "parse", weight: 2, arbitrary: oddNames },
  { name: "parse/limits", entry: "parse", weight: 2, arbitrary: atTheLimits },
  { name: "parse/bytes", entry: "parse", weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 300 }) },
  { name: "parse/mask-file", entry: "mask-file", weight: 4, arbitrary: maskFileText },
  { name: "ir", entry: "ir", weight: 20, arbitrary: irText },
  { name: "tensors", entry: "tensors", weight: 15, arbitrary: jsonText },
  { name: "cli", entry: "cli", weight: 5, arbitrary: argvText },
];

/** The CLI's scratch folder, made on first use by whoever runs the cli target. */
export interface CliWorld {
  readonly cwd: string;
  reset(): void;
}

/** Checks one input of an entry point; returns whether it was accepted (exit 0 for the CLI). Throws FuzzFailure. */
export async function replay(entry: Entry, input: string, world?: CliWorld): Promise<boolean> {
  switch (entry) {
    case "parse":
      return checkParse(input);
    case "mask-file":
      return checkParse(LOADING_MODEL, true, { "masks/m.json": input });
    case "ir":
      return checkReadGraph(input);
    case "tensors":
      return checkTensorFile(input);
    case "cli":
      if (!world) throw new Error("the cli target needs its scratch folder");
      return (await checkCli(JSON.parse(input) as string[], world)) === 0;
    case "compile": {
      // Code generation alone, without the guard that skips open bugs: for replaying them.
      const parsed = parseModel({ name: "replay.mconv", text: input });
      if (!parsed.ok) throw new Error("a compile reproducer must parse");
      const optimized = timed("optimize", () => optimize(parsed.value));
      for (const target of ["js", "tfjs"] as const) timed(`emitModule ${target}`, () => emitModule(optimized, target));
      return true;
    }
  }
}

/** The outcome of one input: accepted, rejected with diagnostics, or a known bug; a new bug throws. */
export type Outcome = "accepted" | "rejected" | { readonly known: string };

export async function tryInput(target: Target, input: string, world?: CliWorld): Promise<Outcome> {
  try {
    return (await replay(target.entry, input, world)) ? "accepted" : "rejected";
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    const bug = knownBug(target.entry, message, input) ?? knownBug("compile", message, input);
    if (bug) return { known: bug.id };
    throw e;
  }
}
