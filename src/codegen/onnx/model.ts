// An ONNX graph under construction, encoded with the ONNX schema that the onnx-proto package compiles for
// protobufjs: nodes, float32 and int64 initializers, typed inputs and outputs. Internal tensor names are generated
// (`v3`, `v3/filter`); only the model's input and output names are taken from the model, as protobuf strings.

import onnxProto from "onnx-proto";
import type { onnx as Onnx } from "onnx-proto";

// onnx-proto is CommonJS without named exports Node can see: take the namespace from the default export.
export const onnx = onnxProto.onnx;

/** The opset the exporter writes: Softmax on one axis (13), Reshape's allowzero (14). */
export const OPSET = 17;

export type AttributeValue = number | readonly number[] | string | { readonly float: number };

export class OnnxGraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: Onnx.ITensorProto[] = [];
  private readonly names = new Set<string>();

  /** Reserves a generated name, made unique with a numeric suffix. */
  claim(name: string): string {
    let unique = name;
    for (let k = 1; this.names.has(unique); k++) unique = `${name}_${k}`;
    this.names.add(unique);
    return unique;
  }

  /** Claims a name exactly (an input or output the caller uses), or undefined when it is taken. */
  claimExact(name: string): string | undefined {
    if (name.length === 0 || this.names.has(name)) return undefined;
    this.names.add(name);
    return name;
  }

  /** One node with one output; integer attributes are INT(S), `{ float }` and non-integers FLOAT(S). */
  node(name: string, opType: string, inputs: readonly string[], attrs: Record<string, AttributeValue> = {}, exact = false): string {
    const output = exact ? name : this.claim(name);
    const attribute = Object.entries(attrs).map(([n, v]) => attributeOf(n, v));
    this.nodes.push({ name: output, opType, input: [...inputs], output: [output], attribute });
    return output;
  }

  /** A float32 initializer, row-major, stored as raw little-endian bytes. */
  float(name: string, dims: readonly number[], data: Float32Array): string {
    const unique = this.claim(name);
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    data.forEach((v, i) => view.setFloat32(i * 4, v, true));
    this.initializers.push({ name: unique, dims: [...dims], dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    return unique;
  }

  /** An int64 initializer (shapes, axes, pads). */
  int64(name: string, dims: readonly number[], values: readonly number[]): string {
    const unique = this.claim(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: onnx.TensorProto.DataType.INT64, int64Data: [...values] });
    return unique;
  }
}

function attributeOf(name: string, v: AttributeValue): Onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === "string") return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (typeof v === "number") return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if ("float" in v) return { name, type: T.FLOAT, f: (v as { float: number }).float };
  return { name, type: T.INTS, ints: [...(v as readonly number[])] };
}

/** A float32 tensor type with known sizes as values and symbolic ones as named parameters. */
export function valueInfo(name: string, shape: readonly (number | string)[]): Onnx.IValueInfoProto {
  const dim = shape.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}
