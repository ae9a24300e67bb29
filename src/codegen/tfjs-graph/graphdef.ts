// A TensorFlow GraphDef in the proto3 JSON that tfjs GraphModels carry (model.json's modelTopology), and the
// weights its Const nodes point at. Attribute values are encoded as tfjs-converter writes them: int64 as decimal
// strings, strings base64, lists under `list`. Node names are generated here, never taken from model text, except
// the inputs' and outputs' names, which must pass TensorFlow's node-name rule.

import { InternalError } from "../../diagnostics.js";
import type { Dim } from "../../ir/types.js";

export type AttrValue =
  | { readonly i: string }
  | { readonly f: number }
  | { readonly b: boolean }
  | { readonly s: string }
  | { readonly type: "DT_FLOAT" | "DT_INT32" | "DT_BOOL" }
  | { readonly shape: { readonly dim?: readonly { readonly size: string }[]; readonly unknownRank?: boolean } }
  | { readonly list: { readonly i?: readonly string[]; readonly s?: readonly string[] } }
  /** A Const's value: only its dtype and shape; the bytes live in the weights manifest. */
  | { readonly tensor: { readonly dtype: "DT_FLOAT" | "DT_INT32"; readonly tensorShape: { readonly dim?: readonly { readonly size: string }[] } } };

export interface NodeDef {
  readonly name: string;
  readonly op: string;
  readonly input: readonly string[];
  readonly attr: Readonly<Record<string, AttrValue>>;
}

export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: "float32" | "int32";
  readonly data: Float32Array | Int32Array;
}

/** TensorFlow's rule for node names (tensorflow/core/graph: `[A-Za-z0-9.][A-Za-z0-9_.\-/>]*`). */
const NODE_NAME = /^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$/;

export function isNodeName(name: string): boolean {
  return NODE_NAME.test(name);
}

/** Base64 of a string's UTF-8 bytes (btoa exists in browsers and Node alike; Buffer only in Node). */
function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export const attr = {
  int: (v: number): AttrValue => ({ i: String(v) }),
  float: (v: number): AttrValue => ({ f: v }),
  bool: (v: boolean): AttrValue => ({ b: v }),
  string: (v: string): AttrValue => ({ s: base64(v) }),
  ints: (v: readonly number[]): AttrValue => ({ list: { i: v.map(String) } }),
  strings: (v: readonly string[]): AttrValue => ({ list: { s: v.map(base64) } }),
  float32: { type: "DT_FLOAT" } as AttrValue,
  int32: { type: "DT_INT32" } as AttrValue,
  /** A shape; symbolic sizes are unknown (-1). */
  shape: (dims: readonly Dim[]): AttrValue => ({ shape: { dim: dims.map((d) => ({ size: typeof d === "number" ? String(d) : "-1" })) } }),
};

function constValue(dtype: "DT_FLOAT" | "DT_INT32", shape: readonly number[]): AttrValue {
  return { tensor: { dtype, tensorShape: shape.length === 0 ? {} : { dim: shape.map((d) => ({ size: String(d) })) } } };
}

/** Collects nodes and the weights of their Const nodes, handing out unique generated names. */
export class GraphDefBuilder {
  readonly nodes: NodeDef[] = [];
  readonly weights: WeightEntry[] = [];
  private readonly names = new Set<string>();

  /** Reserves a name; generated ones are made unique with a numeric suffix. */
  private claim(name: string): string {
    if (!isNodeName(name)) throw new InternalError(`GraphDef node name ${JSON.stringify(name)} breaks TensorFlow's rule`);
    let unique = name;
    for (let k = 1; this.names.has(unique); k++) unique = `${name}_${k}`;
    this.names.add(unique);
    return unique;
  }

  /** Claims a name exactly (an input or output name the caller will use), or undefined if it is taken. */
  claimExact(name: string): string | undefined {
    if (!isNodeName(name) || this.names.has(name)) return undefined;
    this.names.add(name);
    return name;
  }

  node(name: string, op: string, input: readonly string[], attrs: Record<string, AttrValue> = {}, exact = false): string {
    const unique = exact ? name : this.claim(name);
    this.nodes.push({ name: unique, op, input: [...input], attr: attrs });
    return unique;
  }

  /** A float32 Const whose bytes go into the weights. */
  constFloat(name: string, shape: readonly number[], data: Float32Array): string {
    const unique = this.node(name, "Const", [], { dtype: attr.float32, value: constValue("DT_FLOAT", shape) });
    this.weights.push({ name: unique, shape: [...shape], dtype: "float32", data });
    return unique;
  }

  /** An int32 Const (shapes, axes, paddings). */
  constInt(name: string, shape: readonly number[], values: readonly number[]): string {
    const unique = this.node(name, "Const", [], { dtype: attr.int32, value: constValue("DT_INT32", shape) });
    this.weights.push({ name: unique, shape: [...shape], dtype: "int32", data: Int32Array.from(values) });
    return unique;
  }
}
