// Reads the weights of a tfjs layers-model (the format tensorflowjs_converter writes for Keras models: model.json
// with format "layers-model" and a weightsManifest over binary shards), and renames imported weights to the
// model's params: by an explicit map, or by the convention that Keras' `<layer>/<weight>` is mconv's
// `<layer>.<weight>`. The layer topology is not read: the .mconv model is the architecture.

import { type Diagnostic, type Result, error, failed, ok } from "../diagnostics.js";
import type { TensorMap } from "../ir/interpret.js";
import type { LoadedTensor } from "./npy.js";

interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: unknown;
}

interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly ManifestEntry[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Whether a JSON text is a tfjs model.json (layers-model or graph-model) rather than a tensors file. */
export function isTfjsModelJson(text: string): boolean {
  return text.includes('"weightsManifest"') && text.includes('"modelTopology"');
}

function checkManifest(json: unknown, what: string): ManifestGroup[] | Diagnostic {
  const bad = (why: string) => error("MC5030", `${what} is not a tfjs layers-model: ${why}`);
  if (!isObject(json)) return bad("it is not a JSON object");
  if (json["format"] !== undefined && json["format"] !== "layers-model") return bad(`its format is ${JSON.stringify(json["format"])}`);
  const manifest = json["weightsManifest"];
  if (!Array.isArray(manifest)) return bad("weightsManifest is not a list");
  for (const g of manifest) {
    if (!isObject(g) || !Array.isArray(g["paths"]) || !Array.isArray(g["weights"]) || !g["paths"].every((p) => typeof p === "string")) {
      return bad("a weightsManifest group is not { paths: [...], weights: [...] }");
    }
    for (const w of g["weights"] as unknown[]) {
      if (!isObject(w) || typeof w["name"] !== "string" || !Array.isArray(w["shape"]) || !w["shape"].every((d) => Number.isInteger(d) && (d as number) >= 0)) {
        return bad("a weight is not { name, shape, dtype }");
      }
    }
  }
  return manifest as ManifestGroup[];
}

/**
 * The weights of a layers-model: `text` is model.json, `readShard` gives the bytes of a path listed in its
 * manifest (relative to model.json's folder), or undefined when it cannot be read.
 */
export function readLayersModel(text: string, what: string, readShard: (path: string) => Uint8Array | undefined): Result<Map<string, LoadedTensor>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return failed([error("MC5011", `${what} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`)]);
  }
  const groups = checkManifest(json, what);
  if (!Array.isArray(groups)) return failed([groups]);
  const weights = new Map<string, LoadedTensor>();
  for (const group of groups) {
    const parts: Uint8Array[] = [];
    for (const path of group.paths) {
      // Shard paths are file names beside model.json (`group1-shard1of1.bin`, or `./model.weights.bin` as tfjs's
      // own save writes them); nothing outside that folder is read.
      const file = path.startsWith("./") ? path.slice(2) : path;
      const bytes = /^[^/\\]+$/.test(file) && file !== ".." ? readShard(file) : undefined;
      if (!bytes) return failed([error("MC5030", `${what} lists the weight shard '${path}', which cannot be read beside it`)]);
      parts.push(bytes);
    }
    const total = parts.reduce((n, p) => n + p.length, 0);
    const bytes = new Uint8Array(total);
    parts.reduce((at, p) => (bytes.set(p, at), at + p.length), 0);
    const view = new DataView(bytes.buffer);
    let at = 0;
    for (const w of group.weights) {
      if (w.dtype !== "float32" || w.quantization !== undefined) {
        return failed([error("MC5032", `${what}: weight '${w.name}' is ${w.quantization !== undefined ? "quantized" : w.dtype}; mconv imports float32 weights`)]);
      }
      const count = w.shape.reduce((a, b) => a * b, 1);
      if (at + count * 4 > total) {
        return failed([error("MC5030", `${what}: the shards hold ${total} bytes, too few for weight '${w.name}' [${w.shape.join(", ")}] at byte ${at}`)]);
      }
      const data = new Float32Array(count);
      for (let i = 0; i < count; i++) data[i] = view.getFloat32(at + i * 4, true);
      at += count * 4;
      weights.set(w.name, { shape: [...w.shape], data });
    }
    if (at !== total) return failed([error("MC5030", `${what}: the shards hold ${total} bytes, but the manifest's weights take ${at}`)]);
  }
  return ok(weights);
}

/**
 * Renames imported weights to the model's params. With a map (`{ "conv2d_1/kernel": "y.kernel" }`) every
 * mapped name is renamed and a name the file lacks is an error; names not in the map, and all names without one,
 * follow the convention: a param's own name stays, otherwise every `/` becomes `.` (`y/kernel` → `y.kernel`).
 */
export function renameWeights(weights: ReadonlyMap<string, LoadedTensor>, params: ReadonlySet<string>, map?: Readonly<Record<string, string>>): Result<TensorMap> {
  const out: Record<string, LoadedTensor> = Object.create(null);
  const ds: Diagnostic[] = [];
  const from = new Map<string, string>();
  for (const source of Object.keys(map ?? {})) {
    if (!weights.has(source)) ds.push(error("MC5033", `the weights map renames '${source}', which the weights file does not hold; it holds: ${[...weights.keys()].map((n) => `'${n}'`).join(", ")}`));
  }
  for (const [name, t] of weights) {
    const mapped = map && Object.prototype.hasOwnProperty.call(map, name) ? map[name]! : undefined;
    const target = mapped ?? (params.has(name) ? name : name.replace(/\//g, "."));
    const prior = from.get(target);
    if (prior !== undefined) {
      ds.push(error("MC5033", `weights '${prior}' and '${name}' both become '${target}'`));
      continue;
    }
    from.set(target, name);
    out[target] = t;
  }
  return ds.length > 0 ? failed(ds) : ok(out);
}

/** A weights map file's JSON: an object of strings, source name → the model's param name. */
export function readWeightsMap(text: string, what: string): Result<Record<string, string>> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    return failed([error("MC5011", `${what} is not valid JSON: ${cause instanceof Error ? cause.message : String(cause)}`)]);
  }
  if (!isObject(json) || !Object.values(json).every((v) => typeof v === "string")) {
    return failed([error("MC5033", `${what} must be a JSON object of names, { "conv2d_1/kernel": "y.kernel", ... }`)]);
  }
  const map: Record<string, string> = Object.create(null);
  for (const [k, v] of Object.entries(json)) map[k] = v as string;
  return ok(map);
}
