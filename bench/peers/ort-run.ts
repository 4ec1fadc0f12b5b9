/**
 * The `run` peer when no Python with onnxruntime is available (e.g. CI): onnxruntime-node
 * runs the ONNX model on one .npy input, as a whole process.
 *
 *   node ort-run.js MODEL.onnx INPUT.npy
 */
import ort from "onnxruntime-node";
import { readNpy } from "../../src/io/npy.js";

const [model, input] = process.argv.slice(2);
const x = readNpy(input!);
const session = await ort.InferenceSession.create(model!);
const data = new Float32Array(x.data.buffer, x.data.byteOffset, x.data.byteLength / 4);
await session.run({ [session.inputNames[0]!]: new ort.Tensor("float32", data, x.dims) });
