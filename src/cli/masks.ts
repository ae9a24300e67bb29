// `mconv masks FILE [--field ROW,COL] [--png F] [--svg F]`: every static mask of a model as terminal art (▓ live,
// · zero, per channel group), or the receptive field of an output pixel; the same pictures as PNG or SVG files.

import { inputsOf } from "../ir/node.js";
import { type Field, formatField, receptiveField } from "../tools/field.js";
import { fieldLayout, maskLayout, toPng, toSvg } from "../tools/image.js";
import { formatMask, masksOf } from "../tools/masks.js";
import { type Command, EXIT, UsageError, singleFile } from "./command.js";
import { loadModel, writeOutput } from "./frontend.js";
import { report } from "./report.js";

export const masksCommand: Command = {
  name: "masks",
  summary: "Show a model's masks as pictures, or which input pixels can influence an output pixel.",
  usage: "FILE [--field ROW,COL [--of OUTPUT] [--from INPUT]] [--png FILE] [--svg FILE]",
  options: {
    field: { type: "string", value: "ROW,COL", description: "show the receptive field of this output pixel instead of the masks" },
    of: { type: "string", value: "OUTPUT", description: "the output whose pixel --field follows (default: the first)" },
    from: { type: "string", value: "INPUT", description: "the input --field draws (default: the first image input)" },
    png: { type: "string", value: "FILE", description: "also write the pictures as a PNG image" },
    svg: { type: "string", value: "FILE", description: "also write the pictures as an SVG image" },
  },
  details: [
    "Masks: every static mask (kernel masks of masked convs, masks applied to activations), each with its live",
    "taps. A mask [kh, kw, in, out] is drawn per channel group: channels whose taps follow the same pattern are",
    "one group, input groups down, output groups across (PixelCNN's R, G, B thirds come out as 3 × 3 pictures).",
    "--field ROW,COL: the input pixels that can reach that pixel of the output through the network, found from the",
    "graph (each conv's live taps, pools, pads), channels folded. ◆ marks the pixel's own place (▣ when it is",
    "reached). A plain PixelCNN shows its blind spot: the pixels up and to the right that no path reaches.",
    "Examples:",
    "  mconv masks examples/pixelcnn_rgb.mconv",
    "  mconv masks examples/pixelcnn.mconv --field 14,14 --png field.png",
  ].join("\n"),
  async run(args, io) {
    const file = singleFile(args, this);
    const model = loadModel(file, io.cwd);
    if (!model.ok) return report(model, io);
    const g = model.value;
    const fieldArg = args.values["field"];
    let layout;
    if (typeof fieldArg === "string") {
      const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(fieldArg);
      if (!m) throw new UsageError(`--field takes ROW,COL, two whole numbers such as 14,14; got '${fieldArg}'`);
      const of = (args.values["of"] as string | undefined) ?? g.outputs[0]?.name;
      const from = (args.values["from"] as string | undefined) ?? inputsOf(g).find((n) => n.type.shape.length === 4)?.name;
      if (!of || !g.outputs.some((o) => o.name === of)) throw new UsageError(`--of: the model has no output '${String(of)}'; its outputs are ${g.outputs.map((o) => o.name).join(", ")}`);
      if (!from || !inputsOf(g).some((n) => n.name === from)) throw new UsageError(`--from: the model has no input '${String(from)}'; its inputs are ${inputsOf(g).map((n) => n.name).join(", ")}`);
      let field: Field;
      try {
        field = receptiveField(g, of, from, [Number(m[1]), Number(m[2])]);
      } catch (e) {
        if (e instanceof RangeError) throw new UsageError(`--field: ${e.message}`);
        throw e;
      }
      io.stdout(formatField(field));
      layout = fieldLayout(field);
    } else {
      const masks = masksOf(g);
      if (masks.length === 0) {
        io.stdout(`model ${g.name} has no static masks\n`);
        return EXIT.ok;
      }
      io.stdout(masks.map(formatMask).join("\n"));
      layout = maskLayout(masks);
    }
    for (const [option, render] of [["png", toPng], ["svg", toSvg]] as const) {
      const path = args.values[option];
      if (typeof path !== "string") continue;
      const written = writeOutput(path, io.cwd, render(layout));
      if (!written.ok) return report(written, io);
    }
    return EXIT.ok;
  },
};
