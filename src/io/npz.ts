// Reads NumPy .npz archives (np.savez, np.savez_compressed): a zip of .npy files, one per array, named after the
// keyword it was saved under. Unzipped with fflate; each member decoded by readNpy.

import { unzipSync } from "fflate";
import { type Diagnostic, type Result, error, failed, ok } from "../diagnostics.js";
import { type LoadedTensor, readNpy } from "./npy.js";

/** The arrays of an .npz archive by name (the member name without `.npy`). */
export function readNpz(bytes: Uint8Array, what: string): Result<Map<string, LoadedTensor>> {
  let members: Record<string, Uint8Array>;
  try {
    members = unzipSync(bytes);
  } catch (cause) {
    return failed([error("MC5030", `${what} is not a readable .npz (zip) archive: ${cause instanceof Error ? cause.message : String(cause)}`)]);
  }
  const arrays = new Map<string, LoadedTensor>();
  const ds: Diagnostic[] = [];
  for (const [member, data] of Object.entries(members)) {
    if (!member.endsWith(".npy")) {
      ds.push(error("MC5030", `${what} holds '${member}', which is not a .npy array`));
      continue;
    }
    const t = readNpy(data, `'${member}' in ${what}`);
    if (t.ok) arrays.set(member.slice(0, -4), t.value);
    else ds.push(...t.diagnostics);
  }
  return ds.length > 0 ? failed(ds) : ok(arrays);
}
