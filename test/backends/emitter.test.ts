// indentJoined is indent(lines, depth).join("\n") as one piece: the generators use it for their large bodies, so it
// must give the same text for every shape of input (empty lines, leading and trailing ones, lines with newlines).

import { describe, expect, it } from "vitest";
import { indent, indentJoined } from "../../src/codegen/emitter.js";

describe("indentJoined", () => {
  const cases: string[][] = [[], [""], ["a"], ["", ""], ["a", "", "b"], ["", "a", "b", ""], ["a\nb", "", "  c", "", "", "d"], ["  x", "y"]];
  for (const lines of cases) {
    it(`matches indent().join for ${JSON.stringify(lines)}`, () => {
      for (const depth of [0, 1, 3]) {
        const expected = indent(lines, depth);
        expect(indentJoined(lines, depth)).toEqual(lines.length === 0 ? [] : [expected.join("\n")]);
      }
    });
  }
});
