// The JavaScript helpers emitted modules carry (they import nothing of mconv): checking fed tensors against their
// declared shapes, decoding embedded base64 float32, reusing buffers, broadcasting binary ops, erf. Each module
// includes only those it uses.

/** The binary ops with a broadcasting helper, by helper name, with the expression they compute from `a` and `b`. */
const BROADCAST = { broadcastAdd: "+", broadcastSub: "-", broadcastMul: "*", broadcastDiv: "/" } as const;

export type BroadcastHelper = keyof typeof BROADCAST;
export type HelperName = "feed" | "support" | "decodeF32" | "reuse" | "finite" | "maskKernel" | "convRun" | BroadcastHelper | "erf";

/** out = a ∘ b over same-rank shapes whose axes equal out's or are 1 (then broadcast); one helper per operator. */
function broadcastHelper(name: BroadcastHelper): string {
  const op = BROADCAST[name];
  return `/** out = a ${op} b, row-major, where each axis of a and b equals out's or is 1 (then broadcast). */
function ${name}(out, outShape, a, aShape, b, bShape) {
  const rank = outShape.length;
  const index = new Array(rank).fill(0);
  const aStep = new Array(rank);
  const bStep = new Array(rank);
  for (let d = rank - 1, as = 1, bs = 1; d >= 0; d--) {
    aStep[d] = aShape[d] === 1 ? 0 : as;
    bStep[d] = bShape[d] === 1 ? 0 : bs;
    as *= aShape[d];
    bs *= bShape[d];
  }
  for (let i = 0, ia = 0, ib = 0; i < out.length; i++) {
    out[i] = a[ia] ${op} b[ib];
    for (let d = rank - 1; d >= 0; d--) {
      ia += aStep[d];
      ib += bStep[d];
      if (++index[d] < outShape[d]) break;
      ia -= aStep[d] * outShape[d];
      ib -= bStep[d] * outShape[d];
      index[d] = 0;
    }
  }
}`;
}

const HELPERS: { readonly [K in HelperName]: string } = {
  feed: `/**
 * Checks a fed tensor { shape, data } against its declared shape (numbers, or names of sizes bound by the first
 * tensor that uses them) and returns its data as a Float32Array, copied when \`copy\` is set.
 */
function feed(kind, map, name, declared, dims, copy) {
  const t = map != null && Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
  const expected = "[" + declared.join(", ") + "]";
  if (t == null || typeof t !== "object") {
    throw new Error(kind + " '" + name + "' is missing; expected shape " + expected);
  }
  const shape = t.shape;
  if (shape == null || typeof shape.length !== "number") {
    throw new Error(kind + " '" + name + "' has no shape; expected shape " + expected);
  }
  const given = "[" + Array.from(shape).join(", ") + "]";
  let fits = shape.length === declared.length;
  for (let i = 0; fits && i < declared.length; i++) {
    const d = declared[i];
    const g = shape[i];
    if (!Number.isInteger(g) || g < 0) fits = false;
    else if (typeof d === "number") fits = d === g;
    else if (!dims.has(d)) dims.set(d, g);
    else if (dims.get(d) !== g) {
      throw new Error(kind + " '" + name + "' must have shape " + expected + " with " + d + " = " + dims.get(d) +
        " as elsewhere, got " + given);
    }
  }
  if (!fits) throw new Error(kind + " '" + name + "' must have shape " + expected + ", got " + given);
  let count = 1;
  for (let i = 0; i < shape.length; i++) count *= shape[i];
  const data = t.data;
  if (data == null || typeof data.length !== "number" || data.length !== count) {
    throw new Error(kind + " '" + name + "' of shape " + given + " needs " + count + " values, got " +
      (data == null || typeof data.length !== "number" ? "none" : data.length));
  }
  return data instanceof Float32Array && !copy ? data : Float32Array.from(data);
}`,
  support: `/**
 * Checks that a fed input is 0 at the flat indices \`outside\` its declared support (its 'within' mask): the compiled
 * model skips those elements, so a nonzero there would be silently ignored.
 */
function support(name, shape, data, outside) {
  for (let k = 0; k < outside.length; k++) {
    const i = outside[k];
    if (data[i] !== 0) {
      const index = [];
      for (let d = shape.length - 1, rest = i; d >= 0; d--) {
        index.unshift(rest % shape[d]);
        rest = Math.floor(rest / shape[d]);
      }
      throw new Error("input '" + name + "' must be 0 outside its declared support (the 'within' mask), but " + name +
        "[" + index.join(", ") + "] is " + data[i]);
    }
  }
}`,
  decodeF32: `/** Embedded data: base64 of float32 values, little-endian. */
function decodeF32(base64) {
  const text = atob(base64);
  const view = new DataView(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) view.setUint8(i, text.charCodeAt(i));
  const values = new Float32Array(text.length / 4);
  for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  return values;
}`,
  reuse: `/** The buffer of the previous call when the size repeats, else a new zeroed one. */
function reuse(buffer, size) {
  return buffer !== null && buffer.length === size ? buffer : new Float32Array(size);
}`,
  finite: `/** Whether a[from … to) holds finite numbers only: v · 0 is 0 for those, NaN for an infinity or NaN. */
function finite(a, from, to) {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] * 0;
  return s === 0;
}`,
  // A product of two float32 values is exact in a double, so storing it rounds once: the float32 product tf.mul makes.
  maskKernel: `/**
 * out = kernel [kh, kw, ci, co] ⊙ mask at the live taps (pairs i, j in \`taps\`), the mask read from the fed data at
 * base + i·si + j·sj + c·sc + o·so (0 steps broadcast it); the other taps of out are left as they are (zero).
 */
function maskKernel(out, kernel, mask, taps, kw, ci, co, base, si, sj, sc, so) {
  for (let t = 0; t < taps.length; t += 2) {
    const i = taps[t];
    const j = taps[t + 1];
    let at = (i * kw + j) * ci * co;
    for (let c = 0, row = base + i * si + j * sj; c < ci; c++, row += sc) {
      for (let o = 0, from = row; o < co; o++, at++, from += so) out[at] = kernel[at] * mask[from];
    }
  }
  return out;
}`,
  // The asm.js heap (js/asm.ts): asm.js takes a power of two from 64 KiB to 16 MiB, else a multiple of 16 MiB; byte
  // offsets are int32, so at most 1 GiB here.
  convRun: `/**
 * One direct conv of the js target: x copied into a zero-bordered float64 buffer (s.g: height, width, channels, pad
 * top, pad left, padded height, padded width), then the loops. The asm.js loops (asm) run over heap.buffer, which
 * every such conv of the model shares (calls are synchronous) and which grows to the largest need: the packed
 * weights (copied in unless this conv was the last to run there and they are not fed), the bias, the padded input
 * and the output, copied into y at the end. Past 1 GiB, the plain loops (plain) over a buffer of their own (s.xpad).
 * s keeps its views of the heap from call to call: nothing is allocated while the sizes stay.
 */
function convRun(s, heap, asm, plain, y, x, kp, bias, batch, fed) {
  const g = s.g;
  const h = g[0], w = g[1], ch = g[2], pt = g[3], pl = g[4], hp = g[5], wp = g[6];
  const size = batch * hp * wp * ch;
  const biasAt = kp.length * 8;
  const xpAt = biasAt + (bias === null ? 0 : bias.length) * 8;
  const yAt = xpAt + size * 8;
  const bytes = yAt + y.length * 4;
  let xp;
  if (bytes > 1073741824) {
    if (s.xpad === null || s.xpad.length !== size) s.xpad = new Float64Array(size);
    xp = s.xpad;
  } else {
    if (heap.buffer === null || heap.buffer.byteLength < bytes) {
      let length = 65536;
      while (length < bytes && length < 16777216) length *= 2;
      if (length < bytes) length = Math.ceil(bytes / 16777216) * 16777216;
      heap.buffer = new ArrayBuffer(length);
      heap.user = null;
    }
    if (s.buffer !== heap.buffer) {
      s.loops = asm(globalThis, { exp: Math.exp, expm1: Math.expm1, tanh: Math.tanh }, heap.buffer).loops;
      s.buffer = heap.buffer;
      s.xp = null;
    }
    if (s.xp === null || s.xp.length !== size) {
      s.kp = new Float64Array(heap.buffer, 0, kp.length);
      s.bias = new Float64Array(heap.buffer, biasAt, bias === null ? 0 : bias.length);
      s.xp = new Float64Array(heap.buffer, xpAt, size);
      s.y = new Float32Array(heap.buffer, yAt, y.length);
    }
    xp = s.xp;
    // Another conv (or this one at another batch size) ran here last: where the borders are, its numbers are.
    if (heap.user !== s || heap.size !== size) {
      const rowLength = wp * ch;
      for (let n = 0; n < batch; n++) {
        const image = n * hp * rowLength;
        xp.fill(0, image, image + pt * rowLength);
        xp.fill(0, image + (pt + h) * rowLength, image + hp * rowLength);
        for (let row = pt; row < pt + h; row++) {
          const at = image + row * rowLength;
          xp.fill(0, at, at + pl * ch);
          xp.fill(0, at + (pl + w) * ch, at + rowLength);
        }
      }
      fed = true;
    }
    if (fed) s.kp.set(kp);
    if (bias !== null) s.bias.set(bias);
    heap.user = s;
    heap.size = size;
  }
  for (let n = 0; n < batch; n++) {
    for (let row = 0; row < h; row++) {
      const from = (n * h + row) * w * ch;
      xp.set(x.subarray(from, from + w * ch), ((n * hp + row + pt) * wp + pl) * ch);
    }
  }
  if (xp === s.xpad) {
    plain(y, xp, kp, bias, batch);
  } else {
    s.loops(yAt, xpAt, 0, biasAt, batch);
    y.set(s.y);
  }
}`,
  broadcastAdd: broadcastHelper("broadcastAdd"),
  broadcastSub: broadcastHelper("broadcastSub"),
  broadcastMul: broadcastHelper("broadcastMul"),
  broadcastDiv: broadcastHelper("broadcastDiv"),
  // The formula of the reference interpreter's erf (src/ir/ops/activation.ts), so that gelu agrees with it.
  erf: `/** The error function, to about 1.2e-7 (Numerical Recipes' Chebyshev fit of erfc, §6.2). */
function erf(x) {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
  return x >= 0 ? 1 - r : r - 1;
}`,
};

/** The source of the named helpers, in a fixed order so that modules are deterministic. */
export function helperSource(used: ReadonlySet<HelperName>): string {
  return (Object.keys(HELPERS) as HelperName[])
    .filter((h) => used.has(h))
    .map((h) => HELPERS[h] + "\n")
    .join("\n");
}
