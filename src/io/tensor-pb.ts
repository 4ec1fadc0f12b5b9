/**
 * ONNX TensorProto files (`.pb`), the format of the ONNX backend tests' inputs and outputs.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { folderCompanion } from "../frontends/load-model.js";
import { decodeTensorProto, encodeTensorProto } from "../frontends/onnx/proto/codec.js";
import { tensorFromProto, tensorToProto } from "../frontends/onnx/tensor-proto.js";
import type { Tensor } from "../ir/tensor.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { MyriadcError } from "../util/errors.js";

export function parseTensorPb(bytes: Uint8Array, file = "<buffer>", baseDir?: string): Tensor {
  let proto: ReturnType<typeof decodeTensorProto>;
  try {
    proto = decodeTensorProto(bytes);
  } catch (e) {
    throw new MyriadcError("bad-format", `is not an ONNX TensorProto (${(e as Error).message})`, { file, cause: e });
  }
  return tensorFromProto(proto, { file, companion: baseDir === undefined ? undefined : folderCompanion(baseDir) });
}

export function readTensorPb(path: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new MyriadcError("file-not-found", `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
      file: path,
      cause: e,
    });
  }
  return parseTensorPb(bytes, path, dirname(resolve(path)));
}

export function encodeTensorPb(t: Tensor, name?: string): Uint8Array {
  return encodeTensorProto(tensorToProto(t, name ?? t.name));
}

export function writeTensorPbAtomic(path: string, t: Tensor, name?: string): void {
  writeFileAtomic(path, encodeTensorPb(t, name));
}
