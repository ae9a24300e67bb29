// Reads NumPy's .npy format (format versions 1.0 to 3.0): the magic string, a Python-literal header dict with
// `descr`, `fortran_order` and `shape`, then the raw data. Only float32 and float64 in C (row-major) order are
// weights; float64 is rounded to float32 and refused where it would overflow. Not a writer.

import { type Diagnostic, type Result, error, failed, ok } from "../diagnostics.js";

export interface LoadedTensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** The header dict's three keys, read from its Python literal text. */
function parseHeader(text: string, what: string): { descr: string; fortran: boolean; shape: number[] } | Diagnostic {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    return error("MC5030", `${what} is not a valid .npy file: its header lacks 'descr', 'fortran_order' or 'shape'`);
  }
  const parts = shapeText.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  if (!parts.every((p) => /^\d+L?$/.test(p))) return error("MC5030", `${what} is not a valid .npy file: bad shape (${shapeText})`);
  return { descr, fortran: fortran === "True", shape: parts.map((p) => Number.parseInt(p, 10)) };
}

/** Decodes one .npy file's bytes; `what` names it in messages (e.g. "'y.kernel.npy'"). */
export function readNpy(bytes: Uint8Array, what: string): Result<LoadedTensor> {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    return failed([error("MC5030", `${what} is not a .npy file (it does not start with \\x93NUMPY)`)]);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wide = major >= 2;
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = wide ? 12 : 10;
  if (major < 1 || major > 3 || start + headerLength > bytes.length) {
    return failed([error("MC5030", `${what} is not a valid .npy file: format version ${major} or a header past the end`)]);
  }
  const header = parseHeader(new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, start + headerLength)), what);
  if ("code" in header) return failed([header]);
  if (header.fortran) {
    return failed([error("MC5031", `${what} is stored in Fortran (column-major) order; mconv reads C order: save it with np.ascontiguousarray(a) or np.save(path, np.asarray(a, order="C"))`)]);
  }
  const little = header.descr[0] === "<" || header.descr[0] === "|" || header.descr[0] === "=";
  const kind = header.descr.slice(1);
  if ((kind !== "f4" && kind !== "f8") || (!little && header.descr[0] !== ">")) {
    return failed([error("MC5032", `${what} holds ${header.descr} values; weights must be float32 ('<f4') or float64 ('<f8')`)]);
  }
  const count = header.shape.reduce((a, b) => a * b, 1);
  const size = kind === "f4" ? 4 : 8;
  const dataStart = start + headerLength;
  if (bytes.length - dataStart !== count * size) {
    return failed([error("MC5030", `${what} has shape [${header.shape.join(", ")}], which needs ${count * size} bytes of data, but holds ${bytes.length - dataStart}`)]);
  }
  const isLittle = header.descr[0] !== ">";
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = kind === "f4" ? view.getFloat32(dataStart + i * 4, isLittle) : view.getFloat64(dataStart + i * 8, isLittle);
    if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) {
      return failed([error("MC5015", `${what}: value ${i} (${v}) overflows float32`)]);
    }
    data[i] = v;
  }
  return ok({ shape: header.shape, data });
}
