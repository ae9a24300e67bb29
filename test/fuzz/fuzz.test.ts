// The fuzz suites of `npm test`: a bounded number of inputs per target (targets.ts) from a fixed seed, each checked
// for every property of properties.ts — parseModel, load()'s mask files, readGraph, readTensorFile and the CLI.
// `npm run fuzz` runs the same targets for longer (campaign.ts).

import { afterAll, describe } from "vitest";
import { cliFixture } from "./cli.js";
import { fuzzTarget } from "./suite.js";

describe("parseModel", () => {
  fuzzTarget("parse/mutated", 500, { minAccepted: 3 });
  fuzzTarget("parse/programs", 250, { minAccepted: 120 });
  fuzzTarget("parse/token-soup", 200);
  fuzzTarget("parse/soup-in-model", 200);
  fuzzTarget("parse/nesting", 100, { minAccepted: 10 });
  fuzzTarget("parse/numbers", 150, { minAccepted: 10 });
  fuzzTarget("parse/unicode", 200);
  fuzzTarget("parse/names", 50);
  fuzzTarget("parse/limits", 12);
  fuzzTarget("parse/bytes", 100);
  fuzzTarget("parse/mask-file", 300, { minAccepted: 5 });
});

describe("readGraph", () => {
  fuzzTarget("ir", 500, { minAccepted: 30 });
});

describe("readTensorFile", () => {
  fuzzTarget("tensors", 1000, { minAccepted: 50 });
});

describe("mconv CLI", () => {
  const fixture = cliFixture();
  afterAll(() => fixture.remove());
  fuzzTarget("cli", 200, { minAccepted: 20, world: () => fixture });
});
