/** A tensor from a .npy or ONNX TensorProto .pb file, and `name=file` command-line specs of them. */
import { type DTypeName, dtypeInfo } from "../ir/dtype.js";
import { formatShape, type Shape } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { MyriadcError } from "../util/errors.js";
import { readNpy } from "./npy.js";
import { readTensorPb } from "./tensor-pb.js";

/** What the model's input expects of a file fed to it; unknown parts are not checked. */
export interface TensorExpectation {
  /** The input's name, for messages. */
  name: string;
  dtype?: DTypeName | undefined;
  shape?: Shape | undefined;
}

/** Float widths convert into each other (a float32 .npy feeds an FP16 IR); other families do not mix. */
function family(d: DTypeName): string {
  const k = dtypeInfo(d).kind;
  return k === "uint" ? "int" : k;
}

/** Throws a one-line error when a file's declared dtype or shape cannot feed the input. */
export function checkAgainstInput(file: string, dtype: DTypeName, dims: readonly number[], expect: TensorExpectation): void {
  const what = `holds ${dtype}${formatShape(dims)}`;
  if (expect.dtype && family(expect.dtype) !== family(dtype))
    throw new MyriadcError("bad-format", `${what}, but input ${JSON.stringify(expect.name)} takes ${expect.dtype}`, { file });
  const s = expect.shape;
  if (s && (s.length !== dims.length || s.some((d, i) => typeof d === "number" && d !== dims[i])))
    throw new MyriadcError("bad-format", `${what}, but input ${JSON.stringify(expect.name)} has shape ${formatShape(s)}`, { file });
}

export function readTensorFile(path: string, expect?: TensorExpectation): Tensor {
  if (path.toLowerCase().endsWith(".npy")) {
    // Checked from the header, before the body is read.
    const a = readNpy(path, expect ? { check: (h) => checkAgainstInput(path, h.dtype, h.dims, expect) } : {});
    return Tensor.fromBytes(a.dtype, a.dims, a.data);
  }
  const t = readTensorPb(path);
  if (expect) checkAgainstInput(path, t.dtype, t.dims, expect);
  return t;
}

/**
 * `name=file.npy|file.pb` specs (the flag is named in errors) → tensors by input name. With
 * `expectFor`, a name the model has no input for is refused before any file is read, and each
 * file is checked against its input.
 */
export function readNamedTensors(
  flag: string,
  specs: readonly string[],
  expectFor?: (name: string) => TensorExpectation | undefined,
): Map<string, Tensor> {
  const feeds = new Map<string, Tensor>();
  const parsed = specs.map((spec) => {
    const eq = spec.lastIndexOf("=");
    if (eq <= 0 || eq === spec.length - 1)
      throw new MyriadcError("usage", `${flag} ${JSON.stringify(spec)}: expected name=file.npy or name=file.pb`);
    return { name: spec.slice(0, eq), file: spec.slice(eq + 1) };
  });
  const expectations = parsed.map(({ name }) => {
    if (!expectFor) return undefined;
    const e = expectFor(name);
    if (!e) throw new MyriadcError("usage", `${flag}: the model has no input ${JSON.stringify(name)}`);
    return e;
  });
  parsed.forEach(({ name, file }, i) => {
    if (feeds.has(name)) throw new MyriadcError("usage", `${flag}: input ${JSON.stringify(name)} is given twice`);
    feeds.set(name, readTensorFile(file, expectations[i]));
  });
  return feeds;
}
