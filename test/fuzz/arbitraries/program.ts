// Random well-formed programs: a model whose statements pick ops, arguments and masks from the language, over
// values bound earlier, with blocks and repeat. Shapes are tracked roughly, so many programs type-check and reach
// the verifier and the IR round trip, and the rest fail in lowering rather than in the parser. Each program is
// built from a list of small numbers, which fast-check shrinks (fewer statements, smaller choices).

import fc from "fast-check";

type Shape = [n: string, h: number, w: number, c: number];

/** Draws choices from a list of numbers, cycling; an empty list always draws 0. */
class Choices {
  private i = 0;
  constructor(private readonly xs: readonly number[]) {}
  int(n: number): number {
    const x = this.xs.length === 0 ? 0 : this.xs[this.i++ % this.xs.length]!;
    return n <= 0 ? 0 : x % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }
}

const ACTIVATIONS = ["none", "relu", "tanh", "sigmoid", "leaky_relu", "elu", "gelu", "softmax"];
const UNARY = ["relu", "tanh", "sigmoid", "gelu"];

function maskExpr(c: Choices, k: number, masks: readonly string[], depth = 0): string {
  const kind = c.int(depth > 1 ? 5 : 9);
  switch (kind) {
    case 0:
      return `causal(${c.chance(50) ? k : `[${k}, ${k}]`}, type=${c.pick(["A", "B"])})`;
    case 1:
      return `causal(${k}, type=${c.pick(["A", "B"])}, groups=${c.pick([1, 2, 3])}, order=${c.pick(["contiguous", "interleaved"])})`;
    case 2:
      return `checkerboard(${k}, parity=${c.int(2)})`;
    case 3:
      return `${c.pick(["ones", "zeros"])}([${k}, ${k}])`;
    case 4: {
      const rows = Array.from({ length: k }, () => `[${Array.from({ length: k }, () => c.pick(["0", "1", "0.5", "-1"])).join(", ")}]`);
      return `[${rows.join(", ")}]`;
    }
    case 5:
      return masks.length > 0 ? c.pick(masks) : `ones([${k}, ${k}])`;
    case 6:
      return c.chance(40) ? `flip(${maskExpr(c, k, masks, depth + 1)}, axis=${c.int(2)})` : `${c.pick(["transpose", "not"])}(${maskExpr(c, k, masks, depth + 1)})`;
    default:
      return `${c.pick(["and", "or"])}(${maskExpr(c, k, masks, depth + 1)}, ${maskExpr(c, k, masks, depth + 1)})`;
  }
}

/** Optional arguments, each present or not. */
function optional(c: Choices, args: Record<string, string>): string {
  return Object.entries(args)
    .filter(() => c.chance(40))
    .map(([k, v]) => `, ${k}=${v}`)
    .join("");
}

/** One statement over the value `v` of shape `s`; the names it binds and their rough shapes. */
function statement(c: Choices, name: string, v: string, s: Shape, env: Env): { text: string; bound: [string, Shape][] } {
  const [n, h, w, ch] = s;
  const k = c.pick([1, 2, 3, 3, 5]);
  const same = (cOut: number): [string, Shape][] => [[name, [n, h, w, cOut]]];
  const kind = c.int(16);
  switch (kind) {
    case 0:
    case 1: {
      const filters = c.pick([1, 2, 3, 4, 6]);
      const groups = c.chance(20) ? `, groups=${c.pick([1, 2, 3])}` : "";
      const mask = c.chance(60) ? `, mask=${c.chance(20) && env.dynamicMask ? env.dynamicMask : maskExpr(c, k, env.masks)}` : "";
      const more = optional(c, { stride: c.pick(["1", "2", "[1, 2]"]), dilation: c.pick(["1", "2"]), bias: c.pick(["true", "false"]), activation: c.pick(ACTIVATIONS) });
      return { text: `${name} = conv2d(${v}, filters=${filters}, kernel=${k}, padding=${c.chance(80) ? "same" : "valid"}${groups}${mask}${more})`, bound: same(filters) };
    }
    case 2: {
      const m = c.pick([1, 2]);
      return { text: `${name} = depthwise_conv2d(${v}, kernel=${k}, multiplier=${m}, padding=same${optional(c, { mask: maskExpr(c, k, env.masks) })})`, bound: same(ch * m) };
    }
    case 3: {
      const stride = c.pick([1, 2]);
      const f = c.pick([1, 2, 4]);
      return { text: `${name} = conv2d_transpose(${v}, filters=${f}, kernel=${k}, stride=${stride}, padding=same)`, bound: [[name, [n, h * stride, w * stride, f]]] };
    }
    case 4: {
      if (!env.holes) return { text: `${name} = batch_norm(${v}${optional(c, { epsilon: "1e-5" })})`, bound: same(ch) };
      const f = c.pick([1, 2, 4]);
      return { text: `${name}, ${name}_m = partial_conv2d(${v}, ${env.holes}, filters=${f}, kernel=${k}, padding=same)`, bound: [[name, [n, h, w, f]]] };
    }
    case 5:
      return { text: `${name} = ${c.pick(UNARY)}(${v})`, bound: same(ch) };
    case 6: {
      const f = c.pick(["leaky_relu(V, alpha=0.2)", "elu(V)", "softmax(V, axis=-1)", "log_softmax(V, axis=1)", "clamp(V, min=-1, max=1)", "dropout(V, 0.5)"]);
      return { text: `${name} = ${f.replace("V", v)}`, bound: same(ch) };
    }
    case 7: {
      const other = c.chance(50) ? c.pick(["0.5", "2", "-1"]) : c.pick(env.values.filter(([, t]) => t[3] === ch || t[3] === 1).map(([x]) => x).concat([v]));
      const op = c.pick(["add", "sub", "mul", "div"]);
      return { text: c.chance(50) ? `${name} = ${op}(${v}, ${other})` : `${name} = ${op}(${other}, ${v})`, bound: same(ch) };
    }
    case 8: {
      const other = c.pick(env.values.filter(([, t]) => t[1] === h && t[2] === w).map(([x]) => x).concat([v]));
      const otherCh = env.values.find(([x]) => x === other)?.[1][3] ?? ch;
      return { text: `${name} = concat(${v}, ${other}, axis=-1)`, bound: same(ch + otherCh) };
    }
    case 9: {
      if (ch % 2 !== 0) return { text: `${name} = slice(${v}, begin=0, size=${Math.max(1, ch - 1)})`, bound: same(Math.max(1, ch - 1)) };
      return { text: `${name}, ${name}_b = split(${v}, 2${c.chance(30) ? ", axis=-1" : ""})`, bound: [[name, [n, h, w, ch / 2]], [`${name}_b`, [n, h, w, ch / 2]]] };
    }
    case 10: {
      const p = c.int(3);
      return { text: `${name} = pad(${v}, ${c.chance(50) ? p : `[[${p}, 0], [0, ${p}]]`}${optional(c, { value: "-1" })})`, bound: [[name, [n, h + 2 * p, w + 2 * p, ch]]] };
    }
    case 11: {
      const p = h > 2 && w > 2 ? 1 : 0;
      return { text: `${name} = crop(${v}, ${p})`, bound: [[name, [n, h - 2 * p, w - 2 * p, ch]]] };
    }
    case 12: {
      const pool = c.pick(["max_pool", "avg_pool"]);
      return { text: `${name} = ${pool}(${v}, size=2, stride=${c.pick([1, 2])}, padding=same)`, bound: [[name, [n, Math.ceil(h / 2), Math.ceil(w / 2), ch]]] };
    }
    case 13:
      return { text: `${name} = upsample(${v}, factor=${c.pick(["2", "[1, 2]"])})`, bound: [[name, [n, h * 2, w * 2, ch]]] };
    case 14:
      return { text: `${name} = apply_mask(${v}, ${c.chance(50) ? `checkerboard([${h}, ${w}])` : `ones([${ch}])`})`, bound: same(ch) };
    default: {
      if (env.blocks.length === 0) return { text: `${name} = reshape(${v}, [${n}, ${h}, -1])`, bound: [] };
      const count = c.pick(["", "", "repeat 1 ", "repeat 2 ", "repeat 3 "]);
      return { text: `${name} = ${count}${c.pick(env.blocks)}(${v}, channels=${ch})`, bound: same(ch) };
    }
  }
}

interface Env {
  values: [string, Shape][];
  masks: string[];
  blocks: string[];
  dynamicMask?: string;
  holes?: string;
}

function body(c: Choices, first: [string, Shape], steps: number, env: Env, prefix: string): { lines: string[]; last: string } {
  env.values.push(first);
  const lines: string[] = [];
  let current = first;
  for (let i = 0; i < steps; i++) {
    if (c.chance(10)) {
      const m = `${prefix}m${i}`;
      lines.push(`mask ${m} = ${maskExpr(c, c.pick([1, 3, 5]), env.masks)}`);
      env.masks.push(m);
      continue;
    }
    const from = c.chance(70) ? current : c.pick(env.values);
    const { text, bound } = statement(c, `${prefix}v${i}`, from[0], from[1], env);
    lines.push(text);
    env.values.push(...bound);
    if (bound.length > 0) current = bound[0]!;
  }
  return { lines, last: current[0] };
}

/** A program built from a list of choices: 0–2 blocks, a model with 1–12 statements, some outputs. */
export function buildProgram(xs: readonly number[]): string {
  const c = new Choices(xs);
  const out: string[] = [];
  const blocks: string[] = [];
  for (let b = 0; b < c.int(3); b++) {
    const env: Env = { values: [], masks: [], blocks: [...blocks] };
    const { lines, last } = body(c, ["x", ["N", 8, 8, 4]], 1 + c.int(4), env, "");
    const name = `blk${b}`;
    out.push(`block ${name}(x, channels=4) {`, ...lines.map((l) => `  ${l}`), `  return ${last}`, "}");
    blocks.push(name);
  }
  const shape: Shape = [c.pick(["N", "1", "2"]), c.pick([1, 3, 4, 8]), c.pick([1, 4, 5, 8]), c.pick([1, 2, 3, 4])];
  const env: Env = { values: [], masks: [], blocks };
  const inputs = [`input x: f32[${shape.join(", ")}]`];
  if (c.chance(30)) {
    inputs.push("input dm: f32[3, 3]");
    env.dynamicMask = "dm";
  }
  if (c.chance(30)) {
    inputs.push(`input holes: f32[${shape[0]}, ${shape[1]}, ${shape[2]}, 1]`);
    env.holes = "holes";
  }
  const { lines, last } = body(c, ["x", shape], 1 + c.int(12), env, "");
  const outputs = [...new Set([last, ...env.values.filter(() => c.chance(10)).map(([x]) => x)])];
  out.push(`model Random {`, ...inputs.map((l) => `  ${l}`), ...lines.map((l) => `  ${l}`), `  output ${outputs.join(", ")}`, "}");
  return out.join("\n") + "\n";
}

export const randomProgram: fc.Arbitrary<string> = fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 120 }).map(buildProgram);
