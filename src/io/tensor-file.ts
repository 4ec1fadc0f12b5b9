/** A tensor from a .npy or ONNX TensorProto .pb file, and `name=file` command-line specs of them. */
import { Tensor } from "../ir/tensor.js";
import { MyriadcError } from "../util/errors.js";
import { readNpy } from "./npy.js";
import { readTensorPb } from "./tensor-pb.js";

export function readTensorFile(path: string): Tensor {
  if (path.toLowerCase().endsWith(".npy")) {
    const a = readNpy(path);
    return Tensor.fromBytes(a.dtype, a.dims, a.data);
  }
  return readTensorPb(path);
}

/** `name=file.npy|file.pb` specs (the flag is named in errors) → tensors by input name. */
export function readNamedTensors(flag: string, specs: readonly string[]): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  for (const spec of specs) {
    const eq = spec.lastIndexOf("=");
    if (eq <= 0) throw new MyriadcError("usage", `${flag} ${JSON.stringify(spec)}: expected name=file.npy or name=file.pb`);
    feeds.set(spec.slice(0, eq), readTensorFile(spec.slice(eq + 1)));
  }
  return feeds;
}
