/**
 * FP16 range analysis on real data (`lint --calibrate name=file.npy`, or a synthetic input
 * range): the model runs once in float32 and once with every float result rounded to FP16,
 * as MYRIAD computes. Reported, naming the node:
 *  - myriad/fp16-activation-overflow (error): a tensor whose float32 values exceed ±65504,
 *    which is ±Inf on the device;
 *  - myriad/fp16-precision (warning): a tensor whose FP16 result differs from float32 by more
 *    than `threshold` relative to its magnitude, at the node where the loss appears (its
 *    inputs were still within the threshold); the later tensors that inherit it are counted
 *    in that finding's message rather than reported one by one.
 */
import type { Model } from "../ir/model.js";
import type { Node } from "../ir/node.js";
import { isStaticShape, shapeSize } from "../ir/shape.js";
import { Tensor } from "../ir/tensor.js";
import { topologicalOrder } from "../ir/topo.js";
import type { Value } from "../ir/value.js";
import type { NdArray } from "../ops/ndarray.js";
import { runOpenvinoModel } from "../runtime/interpreter.js";
import { MyriadcError } from "../util/errors.js";
import type { Finding } from "./finding.js";
import { type RuleMeta, report } from "./rule.js";

const FP16_MAX = 65504;

export const FP16_ACTIVATION_OVERFLOW: RuleMeta = {
  id: "myriad/fp16-activation-overflow",
  severity: "error",
  description: "with --calibrate: a tensor whose values exceed ±65504 on the calibration data (±Inf on MYRIAD)",
  docs:
    "The model that convert produces runs once in float32 on the calibration data; a tensor whose values go beyond FP16's " +
    "±65504 becomes ±Inf on the device, which computes every layer in FP16.",
  fixedBy: [],
};

export const FP16_PRECISION: RuleMeta = {
  id: "myriad/fp16-precision",
  severity: "warning",
  description: "with --calibrate: the node where computing in FP16 first loses more than 1% against float32",
  docs:
    "The model runs once in float32 and once rounding every result to FP16, as MYRIAD computes. Reported at the node where a " +
    "result first differs by more than 1% of its magnitude; the later tensors that inherit the loss are counted in its message.",
  fixedBy: [],
};

export const FP16_CALIBRATION_META: readonly RuleMeta[] = [FP16_ACTIVATION_OVERFLOW, FP16_PRECISION];

export interface CalibrationOptions {
  /** Relative error (max-abs difference over max-abs value) that counts as lost precision. */
  threshold?: number;
}

function floatValues(a: NdArray | undefined): Float64Array | undefined {
  return a && a.data instanceof Float64Array && /^(float|bfloat)/.test(a.dtype) ? a.data : undefined;
}

function relativeError(exact: Float64Array, rounded: Float64Array): number {
  let maxAbs = 0;
  let maxDiff = 0;
  for (let i = 0; i < exact.length; i++) {
    const e = exact[i]!;
    if (!Number.isFinite(e)) continue;
    maxAbs = Math.max(maxAbs, Math.abs(e));
    const d = Math.abs(rounded[i]! - e);
    maxDiff = Math.max(maxDiff, Number.isNaN(d) ? Infinity : d);
  }
  return maxAbs === 0 ? (maxDiff === 0 ? 0 : Infinity) : maxDiff / maxAbs;
}

/** One float tensor of a calibration run: its peak magnitude (FP16 holds up to ±65504) and how far FP16 moves it. */
export interface Fp16TensorStat {
  readonly tensor: string;
  /** The node that computes it, and its op. */
  readonly node: string;
  readonly op: string;
  /** Largest finite |value| in float32. */
  readonly maxAbs: number;
  /** Max-abs difference of the FP16 run over maxAbs (0 when both are zero). */
  readonly relativeError: number;
}

export interface Fp16Profile {
  readonly findings: Finding[];
  /** Every float tensor computed, in graph order. */
  readonly tensors: Fp16TensorStat[];
}

/** The FP16 range analysis: findings where FP16 overflows or first loses precision, and each tensor's figures. */
export function fp16Profile(model: Model, feeds: ReadonlyMap<string, Tensor>, options: CalibrationOptions = {}): Fp16Profile {
  const threshold = options.threshold ?? 1e-2;
  const exact = new Map<Value, NdArray>();
  const rounded = new Map<Value, NdArray>();
  runOpenvinoModel(model, feeds, { observe: (v, a) => exact.set(v, a) });
  runOpenvinoModel(model, feeds, { fp16: true, observe: (v, a) => rounded.set(v, a) });
  const findings: Finding[] = [];
  const tensors: Fp16TensorStat[] = [];
  // Each lossy value remembers the finding where its loss started; later ones are counted there.
  const lossy = new Map<Value, number>();
  const inherited: number[] = [];
  const describe = (n: Node, v: Value) => `${JSON.stringify(v.name)}${n.outputs.length > 1 ? ` (output ${n.outputs.indexOf(v)})` : ""}`;
  for (const node of topologicalOrder(model.graph)) {
    for (const out of node.outputs) {
      const e = out ? floatValues(exact.get(out)) : undefined;
      const r = out ? floatValues(rounded.get(out)) : undefined;
      if (!out || !e || !r) continue;
      let peak = 0;
      for (const x of e) if (Number.isFinite(x)) peak = Math.max(peak, Math.abs(x));
      const error = relativeError(e, r);
      tensors.push({ tensor: out.name, node: node.name, op: node.opType, maxAbs: peak, relativeError: error });
      if (peak > FP16_MAX) {
        findings.push(
          report(
            FP16_ACTIVATION_OVERFLOW,
            node,
            `${describe(node, out)} reaches ${peak.toExponential(3)} on the calibration data, beyond FP16's ±65504 (it becomes ±Inf on MYRIAD)`,
            { suggestion: "rescale the input or the weights feeding this layer (e.g. normalise the input to [0,1] or [-1,1])" },
          ),
        );
        inherited.push(0);
        lossy.set(out, findings.length - 1);
        continue;
      }
      if (error <= threshold) continue;
      // Only where the loss starts: inputs that were already off carry it here.
      const from = node.inputs.find((v) => v && lossy.has(v));
      if (from) {
        const origin = lossy.get(from)!;
        inherited[origin]!++;
        lossy.set(out, origin);
        continue;
      }
      findings.push(
        report(
          FP16_PRECISION,
          node,
          `${describe(node, out)} differs from float32 by ${(error * 100).toFixed(2)}% of its magnitude when computed in FP16`,
          { suggestion: "check the layer's input range; large sums of small terms lose precision in FP16" },
        ),
      );
      inherited.push(0);
      lossy.set(out, findings.length - 1);
    }
  }
  return {
    findings: findings.map((f, k) =>
      inherited[k] ? { ...f, message: `${f.message}; ${inherited[k]} later tensor(s) inherit the loss` } : f,
    ),
    tensors,
  };
}

export function fp16Calibration(model: Model, feeds: ReadonlyMap<string, Tensor>, options: CalibrationOptions = {}): Finding[] {
  return fp16Profile(model, feeds, options).findings;
}

/** Deterministic uniform values in [lo, hi] for inputs the user gave no file for. */
export function syntheticValues(count: number, lo: number, hi: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: count }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return lo + (s / 2 ** 32) * (hi - lo);
  });
}

/** The calibration data of a run: files per input name, and a range for float inputs without one. */
export interface CalibrationData {
  calibration?: ReadonlyMap<string, Tensor> | undefined;
  /** Uniform values in [lo, hi] for float inputs without a file (default [-1, 1]). */
  calibrationRange?: readonly [number, number] | undefined;
}

/** The input values an OpenVINO-dialect model is calibrated on: the given files, synthetic values for float inputs without one. */
export function calibrationFeeds(model: Model, data: CalibrationData): Map<string, Tensor> {
  const [lo, hi] = data.calibrationRange ?? [-1, 1];
  const feeds = new Map<string, Tensor>();
  for (const v of model.graph.inputs) {
    if (v.isInitializer) continue;
    const given = data.calibration?.get(v.name);
    if (given) feeds.set(v.name, given);
    else if (isStaticShape(v.shape) && (v.dtype === "float32" || v.dtype === "float16"))
      feeds.set(v.name, Tensor.fromArray("float32", v.shape, syntheticValues(shapeSize(v.shape), lo, hi)));
    else
      throw new MyriadcError(
        "usage",
        `--calibrate: no values for input ${JSON.stringify(v.name)} (${v.dtype ?? "?"}${v.shape ? `[${v.shape.join(",")}]` : ""}); give name=file.npy`,
      );
  }
  for (const name of data.calibration?.keys() ?? []) {
    if (!model.graph.inputs.some((v) => v.name === name))
      throw new MyriadcError(
        "usage",
        `--calibrate: the model has no input ${JSON.stringify(name)} (inputs: ${model.graph.inputs.map((v) => v.name).join(", ")})`,
      );
  }
  return feeds;
}

/** What convert and compile say about FP16: whether it was checked, and the first node where it loses precision or overflows. */
export interface Fp16Check {
  checked: boolean;
  /** The first finding in graph order (FP16 losing more than 1% against FP32, or overflowing), when checked. */
  first?: Finding;
  findings: Finding[];
}

/** The FP16 range analysis of a converted model when calibration data is given; nothing is computed otherwise. */
export function checkFp16(model: Model, data: CalibrationData): Fp16Check {
  if (!data.calibration && !data.calibrationRange) return { checked: false, findings: [] };
  const findings = fp16Calibration(model, calibrationFeeds(model, data));
  return { checked: true, findings, ...(findings[0] ? { first: findings[0] } : {}) };
}

/** The one line convert and compile print about FP16 precision. */
export function describeFp16Check(check: Fp16Check): string {
  if (!check.checked)
    return (
      "FP16 precision was not checked (MYRIAD computes in FP16): add --calibrate <input>=<file.npy> " +
      "or --calibrate-range <lo>,<hi> to compare FP16 with FP32 on real inputs"
    );
  const f = check.first;
  if (!f) return "FP16 precision checked on the calibration data: every tensor stays within 1% of FP32";
  const what = f.rule === "myriad/fp16-activation-overflow" ? "overflows" : "loses more than 1% against FP32";
  return `warning: FP16 ${what} first at node ${JSON.stringify(f.node)} (${f.op}): ${f.message}`;
}
