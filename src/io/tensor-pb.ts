/**
 * ONNX TensorProto files (`.pb`), the format of the ONNX backend tests' inputs and outputs.
 */
import { dirname, resolve } from "node:path";
import { folderCompanion } from "../frontends/load-model.js";
import { decodeTensorProto, encodeTensorProto } from "../frontends/onnx/proto/codec.js";
import { tensorFromProto, tensorToProto } from "../frontends/onnx/tensor-proto.js";
import type { Tensor } from "../ir/tensor.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { MyriadcError } from "../util/errors.js";
import { checkTensorSize, formatBytes, MAX_TENSOR_BYTES_FLAG, maxTensorBytes } from "../util/limits.js";
import { readExactly, withFile } from "./read-bounded.js";

export function parseTensorPb(bytes: Uint8Array, file = "<buffer>", baseDir?: string): Tensor {
  let proto: ReturnType<typeof decodeTensorProto>;
  try {
    proto = decodeTensorProto(bytes);
  } catch (e) {
    throw new MyriadcError("bad-format", `is not an ONNX TensorProto (${(e as Error).message})`, { file, cause: e });
  }
  return tensorFromProto(proto, { file, companion: baseDir === undefined ? undefined : folderCompanion(baseDir) });
}

/**
 * A TensorProto has no header that declares its size, so only a regular file (whose size
 * the file system knows) is read, and only when that size is within the per-tensor limit.
 */
export function readTensorPb(path: string): Tensor {
  const bytes = withFile(path, (fd, st) => {
    if (!st.isFile())
      throw new MyriadcError("not-a-file", "is not a regular file; a TensorProto .pb declares no size, so only regular files are read", {
        file: path,
      });
    if (st.size > maxTensorBytes())
      throw new MyriadcError(
        "too-large",
        `is ${formatBytes(st.size)}, above the limit of ${formatBytes(maxTensorBytes())} per tensor (raise it with ${MAX_TENSOR_BYTES_FLAG})`,
        { file: path },
      );
    return readExactly(fd, st.size, path);
  });
  const t = parseTensorPb(bytes, path, dirname(resolve(path)));
  checkTensorSize({ dtype: t.dtype, dims: t.dims, what: "the tensor it holds", file: path });
  return t;
}

export function encodeTensorPb(t: Tensor, name?: string): Uint8Array {
  return encodeTensorProto(tensorToProto(t, name ?? t.name));
}

export function writeTensorPbAtomic(path: string, t: Tensor, name?: string): void {
  writeFileAtomic(path, encodeTensorPb(t, name));
}
