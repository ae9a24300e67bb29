// `mconv graph FILE --format dot|svg|mermaid [-o OUT]`: the network as a picture. dot and mermaid are text mconv
// writes; svg is drawn by Graphviz's `dot` program when it is on PATH (a clear message when it is not).

import { spawnSync } from "node:child_process";
import { toDot, toMermaid } from "../tools/graph.js";
import { type CliIO, type Command, EXIT, singleFile } from "./command.js";
import { loadModel, writeOutput } from "./frontend.js";
import { report } from "./report.js";

/** Graphviz's `dot -Tsvg`, or why it could not run. */
function drawSvg(dot: string): { svg: string } | { problem: string } {
  const r = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) {
    const missing = (r.error as NodeJS.ErrnoException).code === "ENOENT";
    return {
      problem: missing
        ? "--format svg needs Graphviz's 'dot' program, which is not on PATH; install Graphviz (e.g. apt-get install graphviz, brew install graphviz) or use --format dot or --format mermaid"
        : `could not run Graphviz's 'dot': ${r.error.message}`,
    };
  }
  if (r.status !== 0) return { problem: `Graphviz's 'dot' failed (exit ${r.status}): ${r.stderr.trim()}` };
  return { svg: r.stdout };
}

function emit(text: string, out: unknown, io: CliIO): number {
  if (typeof out !== "string") {
    io.stdout(text);
    return EXIT.ok;
  }
  const written = writeOutput(out, io.cwd, text);
  return written.ok ? EXIT.ok : report(written, io);
}

export const graphCommand: Command = {
  name: "graph",
  summary: "Draw a model's network: Graphviz dot, SVG (through Graphviz) or a Mermaid flowchart.",
  usage: "FILE [--format dot|svg|mermaid] [-o OUT]",
  options: {
    format: { type: "string", value: "F", description: "what to write (default dot)", choices: ["dot", "svg", "mermaid"] },
    output: { type: "string", short: "o", value: "OUT", description: "write to this file instead of stdout" },
  },
  details: [
    "Draws the model as written, before the passes: inputs, layers and outputs (weights and masks are shown in",
    "their layer). A masked conv is shaded and lists its mask, how many of its taps are live, and (up to 9×9) a",
    "picture of them: ▓ live, · zero. svg runs Graphviz's dot, which must be on PATH.",
    "Examples:",
    "  mconv graph examples/seed_static.mconv",
    "  mconv graph examples/pixelcnn.mconv --format svg -o pixelcnn.svg",
    "  mconv graph examples/gated_pixelcnn.mconv --format mermaid",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const model = loadModel(file, io.cwd);
    if (!model.ok) return report(model, io);
    const format = (args.values["format"] as string | undefined) ?? "dot";
    if (format === "mermaid") return emit(toMermaid(model.value), args.values["output"], io);
    const dot = toDot(model.value);
    if (format === "dot") return emit(dot, args.values["output"], io);
    const drawn = drawSvg(dot);
    if ("problem" in drawn) {
      io.stderr(`mconv graph: ${drawn.problem}\n`);
      return EXIT.userError;
    }
    return emit(drawn.svg, args.values["output"], io);
  },
};
