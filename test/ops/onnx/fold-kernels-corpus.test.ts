/**
 * The constant-folding kernels against ONNX's reference outputs: every backend node test
 * whose op has a kernel in our table runs the kernel on the test inputs. Integer, bool and
 * data-movement results must be bit-exact; floating-point results within fp32 tolerance.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadOnnxFile } from "../../../src/frontends/load-model.js";
import { readTensorPb } from "../../../src/io/tensor-pb.js";
import { dtypeInfo } from "../../../src/ir/dtype.js";
import type { Tensor } from "../../../src/ir/tensor.js";
import { ndFromTensor, ndToTensor } from "../../../src/ops/ndarray.js";
import { onnxOp } from "../../../src/ops/onnx/registry.js";
import { diff, withinFp32 } from "../../support/compare.js";
import { backendModels, corpusAvailable, warnIfCorpusMissing } from "../../support/corpus.js";
import { bitwiseEqual } from "../../support/ort.js";

warnIfCorpusMissing();

const tally = { exact: 0, close: 0, skipped: 0 };
const skippedWhy = new Map<string, number>();

function skip(why: string): void {
  tally.skipped++;
  skippedWhy.set(why, (skippedWhy.get(why) ?? 0) + 1);
}

describe.skipIf(!corpusAvailable)("fold kernels vs ONNX reference outputs", () => {
  const cases = backendModels("node").filter((m) => {
    try {
      const nodes = loadOnnxFile(m.model).model.graph.nodes;
      return (
        nodes.length === 1 && onnxOp(nodes[0]!.opType)?.fold !== undefined && (nodes[0]!.domain === "" || nodes[0]!.domain === "ai.onnx")
      );
    } catch {
      return false;
    }
  });

  it("finds node tests of the foldable ops", () => expect(cases.length).toBeGreaterThan(300));

  it.each(cases.map((c) => [c.id, c] as const))("%s", (_id, c) => {
    const { model } = loadOnnxFile(c.model);
    const node = model.graph.nodes[0]!;
    let inputs: Tensor[];
    try {
      inputs = c.inputs.map((p) => readTensorPb(p));
    } catch {
      return skip("non-tensor inputs");
    }
    if (inputs.some((t) => t.dtype === "string" || dtypeInfo(t.dtype).kind === "complex")) return skip("string/complex data");
    // Inputs are matched by name: node inputs may be omitted ("") or reordered.
    const byName = new Map(model.graph.inputs.map((v, i) => [v.name, inputs[i]]));
    const nd = node.inputs
      .map((v) => (v ? (byName.get(v.name) ?? v.initializer) : undefined))
      .map((t) => (t ? ndFromTensor(t) : undefined));
    const outs = onnxOp(node.opType)!.fold!(nd, { node, opset: node.version ?? 1 }).map((a) => ndToTensor(a));
    node.outputs.forEach((v, i) => {
      if (!v) return;
      const k = model.graph.outputs.indexOf(v);
      if (k < 0) return;
      const expected = readTensorPb(c.outputs[k]!);
      const got = outs[i]!;
      expect(got.dtype, `${c.id} output ${i} dtype`).toBe(expected.dtype);
      expect([...got.dims], `${c.id} output ${i} dims`).toEqual([...expected.dims]);
      if (bitwiseEqual(got, expected)) {
        tally.exact++;
        return;
      }
      // Floating point: ±1 ulp-level differences from computing in double are expected.
      expect(dtypeInfo(expected.dtype).kind, `${c.id}: non-float output differs`).toBe("float");
      const d = diff(got, expected);
      expect(withinFp32(d), `${c.id} output ${i}: max-abs ${d.maxAbs}, mean-abs ${d.meanAbs}`).toBe(true);
      tally.close++;
    });
  });

  afterAll(() => {
    console.log(
      `fold kernels: ${tally.exact} outputs bit-exact, ${tally.close} within fp32 tolerance, ${tally.skipped} skipped ` +
        `(${[...skippedWhy].map(([k, n]) => `${n} ${k}`).join(", ")})`,
    );
  });
});
