// `--weights PATH` in every format mconv reads: a tensors JSON file, a tfjs layers-model (model.json and its
// shards, as Keras models are converted), a NumPy .npz archive, or a folder of .npy files (one per weight, named
// after it). Binary formats are renamed by `--weights-map map.json` or the `<layer>/<weight>` convention, then
// checked against the model like a tensors file.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { type Diagnostic, type Result, type Source, error, failed, ok } from "../diagnostics.js";
import type { TensorMap } from "../ir/interpret.js";
import { type Graph, paramsOf } from "../ir/node.js";
import { checkTensorMap } from "../io/feeds.js";
import { isTfjsModelJson, readLayersModel, readWeightsMap, renameWeights } from "../io/layersModel.js";
import { type LoadedTensor, readNpy } from "../io/npy.js";
import { readNpz } from "../io/npz.js";
import type { ParsedArgs } from "./command.js";

/** What loadWeights uses of frontend.ts (passed in, so the two files do not import each other). */
export interface TextReaders {
  readSource(path: string, cwd: string, what: string): Result<Source>;
  /** Reads and checks a tensors JSON file of weights, with positions. */
  loadTensorsFile(path: string): Result<TensorMap>;
}

/** Binary weight files larger than this are refused before they are read. */
export const MAX_WEIGHT_BYTES = 1024 * 1024 * 1024;

function readBytes(path: string, cwd: string, what: string): Result<Uint8Array> {
  const full = resolve(cwd, path);
  try {
    const stat = statSync(full);
    if (!stat.isFile()) return failed([error("MC5001", `cannot read ${what} '${path}': it is not a regular file`)]);
    if (stat.size > MAX_WEIGHT_BYTES) return failed([error("MC5002", `${what} '${path}' is ${stat.size} bytes, more than the limit of ${MAX_WEIGHT_BYTES}`)]);
    return ok(new Uint8Array(readFileSync(full)));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return failed([error("MC5001", `cannot read ${what} '${path}': ${code === "ENOENT" ? "no such file" : (e as Error).message}`)]);
  }
}

/** The arrays of a folder of .npy files, by file name without `.npy`. */
function readNpyFolder(path: string, cwd: string): Result<Map<string, LoadedTensor>> {
  const files = readdirSync(resolve(cwd, path)).filter((f) => f.endsWith(".npy")).sort();
  if (files.length === 0) return failed([error("MC5030", `the weights folder '${path}' holds no .npy files`)]);
  const arrays = new Map<string, LoadedTensor>();
  const ds: Diagnostic[] = [];
  for (const f of files) {
    const bytes = readBytes(join(path, f), cwd, "weights file");
    const t = bytes.ok ? readNpy(bytes.value, `'${join(path, f)}'`) : bytes;
    if (t.ok) arrays.set(f.slice(0, -4), t.value);
    else ds.push(...t.diagnostics);
  }
  return ds.length > 0 ? failed(ds) : ok(arrays);
}

function isFolder(path: string, cwd: string): boolean {
  try {
    return statSync(resolve(cwd, path)).isDirectory();
  } catch {
    return false;
  }
}

/** Reads --weights in any supported format and checks it against the model's params. */
export function loadWeights(graph: Graph, path: string, args: ParsedArgs, cwd: string, { readSource, loadTensorsFile }: TextReaders): Result<TensorMap> {
  const mapPath = args.values["weights-map"];
  let arrays: Result<Map<string, LoadedTensor>>;
  if (isFolder(path, cwd)) arrays = readNpyFolder(path, cwd);
  else if (path.endsWith(".npz")) {
    const bytes = readBytes(path, cwd, "weights file");
    arrays = bytes.ok ? readNpz(bytes.value, `'${path}'`) : failed(bytes.diagnostics);
  } else if (path.endsWith(".npy")) {
    return failed([error("MC5030", `'${path}' is one .npy array; give the folder of .npy files (one per weight, named like y.kernel.npy) or an .npz archive`)]);
  } else {
    const source = readSource(path, cwd, "weights file");
    if (!source.ok) return source;
    if (!isTfjsModelJson(source.value.text)) {
      if (typeof mapPath === "string") return failed([error("MC5033", "--weights-map renames the weights of a layers-model, .npz or .npy folder; a tensors JSON file names them itself")]);
      return loadTensorsFile(path);
    }
    const shard = (p: string) => {
      const b = readBytes(join(dirname(path), p), cwd, "weight shard");
      return b.ok ? b.value : undefined;
    };
    arrays = readLayersModel(source.value.text, `'${path}'`, shard);
  }
  if (!arrays.ok) return failed(arrays.diagnostics);
  let map: Record<string, string> | undefined;
  if (typeof mapPath === "string") {
    const text = readSource(mapPath, cwd, "weights map");
    if (!text.ok) return text;
    const m = readWeightsMap(text.value.text, `'${mapPath}'`);
    if (!m.ok) return failed(m.diagnostics);
    map = m.value;
  }
  const renamed = renameWeights(arrays.value, new Set(paramsOf(graph).map((p) => p.name)), map);
  if (!renamed.ok) return renamed;
  const ds = checkTensorMap(graph, "weight", renamed.value);
  return ds.length > 0 ? failed(ds) : renamed;
}
