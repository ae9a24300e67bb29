// Replays every input the fuzzers once broke (regressions/<entry>/…): each must now pass every fuzz property, and
// end as its first line says — `expect ok` or `expect MCxxxx`, a code the diagnostics must hold. And the open bugs
// of known.ts, in files this suite does not fix: each reproducer must still fail as described; when one no longer
// does, the bug is fixed: delete its entry (and any guard using it).

import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readGraph } from "../../src/ir/text/read.js";
import { parseModel } from "../../src/parser/parse.js";
import { cliFixture } from "./cli.js";
import { KNOWN_BUGS, knownBug } from "./known.js";
import { type Entry, replay } from "./targets.js";

const folder = new URL("./regressions", import.meta.url).pathname;
const readers: Partial<Record<Entry, (text: string) => { ok: boolean; diagnostics: readonly { code: string }[] }>> = {
  parse: (text) => parseModel({ name: "regression.mconv", text }),
  ir: (text) => readGraph({ name: "regression.ir", text }),
};

const cases = Object.keys(readers).flatMap((entry) =>
  readdirSync(join(folder, entry))
    .sort()
    .map((file) => [`${entry}/${file}`, entry as Entry, readFileSync(join(folder, entry, file), "utf8")] as const),
);

describe("fuzz regressions", () => {
  it.each(cases)("%s", async (_file, entry, text) => {
    const expectation = /expect (ok|MC\d{4})\s*$/.exec(text.split("\n")[0]!)?.[1];
    expect(expectation, "the first line ends in `expect ok` or `expect MCxxxx`").toBeDefined();
    // A bug of another file may still stand in the way of a property; the expectation holds regardless.
    await replay(entry, text).catch((e: Error) => {
      if (!knownBug(entry, e.message, text)) throw e;
    });
    const r = readers[entry]!(text);
    if (expectation === "ok") expect(r.diagnostics).toEqual([]);
    else expect(r.diagnostics.map((d) => d.code)).toContain(expectation);
  });
});

// Registered only while bugs are open: an empty list has nothing to replay.
if (KNOWN_BUGS.length > 0) describe("known bugs still reproduce", () => {
  it.each(KNOWN_BUGS.map((b) => [b.id, b] as const))("%s", async (_id, bug) => {
    const fixture = bug.entry === "cli" ? cliFixture() : undefined;
    try {
      const failure = await replay(bug.entry, bug.reproducer, fixture).then(
        () => undefined,
        (e: Error) => e.message,
      );
      expect(failure, `${bug.id} no longer reproduces: remove it from test/fuzz/known.ts`).toBeDefined();
      expect(bug.matches(failure!, bug.reproducer), failure).toBe(true);
    } finally {
      fixture?.remove();
    }
  });
});
