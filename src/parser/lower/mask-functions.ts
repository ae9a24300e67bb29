// The built-in mask functions of mask expressions: causal (spatial and channel-grouped), checkerboard, ones, zeros,
// load, and the algebra flip, transpose, and, or, not. Each reads its arguments like an op and gives a MaskExpr:
// data now, or a rule sized by the conv it masks when a grouped causal mask takes part. Generators: ir/masks.ts.

import { type Diagnostic, type Span, error } from "../../diagnostics.js";
import * as masks from "../../ir/masks.js";
import type { MaskData } from "../../ir/masks.js";
import { type ReadArgs, type Signature, readArgs } from "./arguments.js";
import type { Arg, Lowerer } from "./context.js";
import { loadMask } from "./load.js";
import { REPORTED } from "./readers.js";
import type { ConvChannels, MaskExpr } from "./values.js";

type Made = MaskData | Diagnostic;

interface MaskFunction<S extends Signature> {
  readonly signature: S;
  readonly make: (args: ReadArgs<S>, at: Span, lw: Lowerer) => MaskExpr | typeof REPORTED;
}

function fn<S extends Signature>(f: MaskFunction<S>): MaskFunction<Signature> {
  return f as unknown as MaskFunction<Signature>;
}

function isDiagnostic(x: Made): x is Diagnostic {
  return "code" in x;
}

/** A generator's result as a static mask, after checking its size (MC2025). */
function sizedCheck(shape: readonly number[], at: Span): Diagnostic | undefined {
  const problem = masks.maskSizeProblem(shape);
  return problem ? error("MC2025", problem, at) : undefined;
}

function staticMask(shape: readonly number[], at: Span, lw: Lowerer, make: () => MaskData): MaskExpr | typeof REPORTED {
  const bad = sizedCheck(shape, at);
  if (bad) {
    lw.report(bad);
    return REPORTED;
  }
  return { sized: false, data: make(), span: at };
}

/**
 * Combines masks with `f`: now when all are static (reporting a problem at once), else as a rule evaluated at
 * each conv the result masks.
 */
function lift(operands: readonly MaskExpr[], at: Span, lw: Lowerer, f: (data: readonly MaskData[]) => Made): MaskExpr | typeof REPORTED {
  const evaluate = (conv?: ConvChannels): Made => {
    const data: MaskData[] = [];
    for (const m of operands) {
      const d = m.sized ? m.make(conv!) : m.data;
      if (isDiagnostic(d)) return d;
      data.push(d);
    }
    return f(data);
  };
  if (operands.some((m) => m.sized)) return { sized: true, make: (conv) => evaluate(conv), span: at };
  const made = evaluate();
  if (isDiagnostic(made)) {
    lw.report(made);
    return REPORTED;
  }
  return { sized: false, data: made, span: at };
}

const causal = fn({
  signature: {
    size: { kind: "size2", required: "the kernel's height and width", example: "causal(3, type=A)" },
    type: { kind: "causalType", required: "A (no centre tap: the first layer) or B (with the centre: later layers)", example: "type=A" },
    groups: { kind: "count" },
    order: { kind: "order" },
  },
  make: (a, at, lw) => {
    const size = a.size.value;
    const type = a.type.value;
    const groups = a.groups?.value ?? 1;
    if (groups === 1) return staticMask(size, at, lw, () => masks.causalMask(size, type));
    const order = a.order?.value ?? "contiguous";
    const make = (conv: ConvChannels): Made => {
      const { inChannels, outChannels, convGroups } = conv;
      if (inChannels % groups !== 0 || outChannels % groups !== 0) {
        const message =
          `causal(..., groups=${groups}) needs the conv's in_channels and out_channels to be divisible by ${groups}, ` +
          `but they are ${inChannels} and ${outChannels}`;
        return error("MC2027", message, at);
      }
      const bad = sizedCheck([...size, inChannels / convGroups, outChannels], at);
      return bad ?? masks.groupedCausalMask(size, type, { groups, order, inChannels, outChannels, convGroups });
    };
    return { sized: true, make, span: at };
  },
});

const checkerboard = fn({
  signature: {
    size: { kind: "size2", required: "the height and width", example: "checkerboard([4, 4])" },
    parity: { kind: "parity" },
  },
  make: (a, at, lw) => staticMask(a.size.value, at, lw, () => masks.checkerboardMask(a.size.value, a.parity?.value ?? 0)),
});

function filled(value: number) {
  return fn({
    signature: { shape: { kind: "shape", required: "the mask's shape", example: value ? "ones([3, 3])" : "zeros([3, 3])" } },
    make: (a, at, lw) => staticMask(a.shape.value, at, lw, () => masks.filledMask(a.shape.value, value)),
  });
}

const load = fn({
  signature: { path: { kind: "string", required: "a JSON file's name", example: 'load("mask.json")' } },
  make: (a, at, lw) => {
    const data = loadMask(a.path.value, lw.source.name, lw.options.readFile, at, (d) => lw.report(d));
    return data ? { sized: false, data, span: at } : REPORTED;
  },
});

const MASK = { kind: "maskExpr", required: "a mask", role: "mask" } as const;

const flip = fn({
  signature: { mask: { ...MASK, example: "flip(m, axis=1)" }, axis: { kind: "index", required: "0 (height) or 1 (width)", example: "axis=1" } },
  make: (a, at, lw) =>
    lift([a.mask.value], at, lw, ([m]) =>
      a.axis.value < m!.shape.length
        ? masks.flipMask(m!, a.axis.value)
        : error("MC2029", `flip axis ${a.axis.value} is not an axis of the mask [${m!.shape.join(", ")}]`, at),
    ),
});

const transpose = fn({
  signature: { mask: { ...MASK, example: "transpose(m)" } },
  make: (a, at, lw) =>
    lift([a.mask.value], at, lw, ([m]) =>
      m!.shape.length >= 2 ? masks.transposeMask(m!) : error("MC2029", `transpose swaps height and width, but the mask [${m!.shape.join(", ")}] has one axis`, at),
    ),
});

function combine(name: "and" | "or", f: (a: MaskData, b: MaskData) => MaskData) {
  return fn({
    signature: { a: { ...MASK, role: "first mask", example: `${name}(m1, m2)` }, b: { ...MASK, role: "second mask", example: `${name}(m1, m2)` } },
    make: (a, at, lw) =>
      lift([a.a.value, a.b.value], at, lw, ([x, y]) => {
        const shape = masks.broadcastMaskShapes(x!.shape, y!.shape);
        if (!shape) {
          const message = `${name} cannot combine masks [${x!.shape.join(", ")}] and [${y!.shape.join(", ")}]: aligned on the left, each axis must be equal or 1`;
          return error("MC2029", message, at);
        }
        return sizedCheck(shape, at) ?? f(x!, y!);
      }),
  });
}

const not = fn({
  signature: { mask: { ...MASK, example: "not(m)" } },
  make: (a, at, lw) => lift([a.mask.value], at, lw, ([m]) => masks.notMask(m!)),
});

const FUNCTIONS: Readonly<Record<string, MaskFunction<Signature>>> = {
  causal,
  checkerboard,
  ones: filled(1),
  zeros: filled(0),
  load,
  flip,
  transpose,
  and: combine("and", masks.andMasks),
  or: combine("or", masks.orMasks),
  not,
};

export const MASK_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS);

export function isMaskFunction(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}

/** Evaluates a mask function's call; REPORTED after reporting why it has no mask. */
export function callMaskFunction(name: string, args: readonly Arg[], at: Span, lw: Lowerer): MaskExpr | typeof REPORTED {
  const f = FUNCTIONS[name]!;
  const read = readArgs(name, f.signature, args, at, (d) => lw.report(d));
  return read ? f.make(read, at, lw) : REPORTED;
}
