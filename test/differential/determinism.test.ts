// Determinism: the same .mconv gives byte-identical IR and emitted modules (both targets, -O0 and -O1, with and
// without embedded weights) on a second run in this process — with Math.random and the clock changed — and in a
// child process with another time zone and locale. Catches Map-order, Date, Math.random and locale dependence.

import { spawnSync } from "node:child_process";
import { afterEach, expect, test, vi } from "vitest";
import { artifactDigests, artifactsOf, digests, exampleFiles } from "./artifacts.js";

const CHILD = new URL("./determinism-child.ts", import.meta.url).pathname;
const ROOT = new URL("../..", import.meta.url).pathname;

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

test("there are examples, each with every artifact", () => {
  expect(exampleFiles().length).toBeGreaterThan(3);
  expect(Object.keys(artifactsOf(exampleFiles()[0]!)).length).toBe(13);
});

/** The digests of the first run in this process, filled by the per-example tests, for the child to match. */
const firstRun: Record<string, Record<string, string>> = {};

test.each(exampleFiles())("%s: a second run in this process, at another time and with other Math.random, gives the same bytes", (file) => {
  const first = artifactsOf(file);
  firstRun[file] = digests(first);
  vi.useFakeTimers({ now: new Date("2001-02-03T04:05:06Z"), toFake: ["Date"] });
  vi.spyOn(Math, "random").mockReturnValue(0.25);
  const second = artifactsOf(file);
  for (const key of Object.keys(first)) expect(second[key], `${file}: ${key}`).toBe(first[key]);
  expect(Object.keys(second)).toEqual(Object.keys(first));
});

test("a child process in another time zone and locale gives the same bytes", () => {
  const child = spawnSync(process.execPath, ["--import", "tsx", CHILD], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TZ: "Pacific/Chatham", LANG: "de_DE.UTF-8", LC_ALL: "de_DE.UTF-8" },
    maxBuffer: 64 * 1024 * 1024,
  });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  const expected = Object.keys(firstRun).length === exampleFiles().length ? firstRun : artifactDigests();
  expect(JSON.parse(child.stdout)).toEqual(expected);
});
