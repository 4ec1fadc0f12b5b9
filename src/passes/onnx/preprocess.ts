/**
 * Preprocessing embedded in the graph, with Model Optimizer's semantics: for an input x the
 * model now receives x_raw and computes, in this order,
 *   Cast (when --input-type differs, e.g. U8 camera frames) →
 *   Transpose (--layout nhwc->nchw: the model is fed NHWC) →
 *   reverse the channel order (--reverse-input-channels: RGB ↔ BGR) →
 *   (x − mean) / scale (--mean-values / --scale-values, in the model's channel order).
 * The channel axis is 1 (NCHW models), or where the target layout of --layout puts "c"
 * (an NHWC model such as a TFLite one fed planar NCHW frames: --layout input(nchw->nhwc)).
 */
import { type AttributeValue, attr } from "../../ir/attribute.js";
import { type DTypeName, dtypeToOnnx } from "../../ir/dtype.js";
import type { Model } from "../../ir/model.js";
import { Node } from "../../ir/node.js";
import { isStaticShape } from "../../ir/shape.js";
import { Tensor } from "../../ir/tensor.js";
import { tensorType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { MyriadcError } from "../../util/errors.js";
import type { PassResult } from "../pass.js";

export interface InputPreprocessing {
  mean?: number[];
  scale?: number[];
  reverseChannels?: boolean;
  inputType?: DTypeName;
  /** Source and target layout letters, e.g. ["nhwc", "nchw"]. */
  layout?: [string, string];
}

const usage = (msg: string) => new MyriadcError("usage", msg);

/** `name[1,2,3]` or `[1,2,3]` (all inputs) → [name or "", values]. */
export function parseValuesSpec(flag: string, spec: string): [string, number[]] {
  const m = /^(.*?)\[([^\]]*)\]$/.exec(spec.trim());
  const values = m?.[2]?.split(",").map((s) => Number(s.trim()));
  if (!m || !values || values.length === 0 || values.some((v) => !Number.isFinite(v)))
    throw usage(`${flag} ${JSON.stringify(spec)}: expected name[v0,v1,...] or [v0,v1,...]`);
  return [m[1]!.trim(), values];
}

/** `name(nhwc->nchw)` or `nhwc->nchw`. */
export function parseLayoutSpec(spec: string): [string, [string, string]] {
  const m = /^(?:(.*)\()?\s*([a-zA-Z?]+)\s*->\s*([a-zA-Z?]+)\s*\)?$/.exec(spec.trim());
  if (!m) throw usage(`--layout ${JSON.stringify(spec)}: expected name(nhwc->nchw) or nhwc->nchw`);
  const [from, to] = [m[2]!.toLowerCase(), m[3]!.toLowerCase()];
  if (from.length !== to.length || [...from].sort().join() !== [...to].sort().join())
    throw usage(`--layout ${JSON.stringify(spec)}: the two layouts must use the same letters`);
  return [m[1]?.trim() ?? "", [from, to]];
}

export function parseInputType(spec: string): DTypeName {
  const t = spec.trim().toUpperCase();
  const map: Record<string, DTypeName> = { U8: "uint8", FP16: "float16", FP32: "float32", I32: "int32" };
  const d = map[t];
  if (!d) throw usage(`--input-type ${JSON.stringify(spec)}: expected U8, FP16, FP32 or I32`);
  return d;
}

export function addPreprocessing(model: Model, byInput: ReadonlyMap<string, InputPreprocessing>): PassResult {
  const g = model.graph;
  let changed = false;
  for (const [name, p] of byInput) {
    const x = g.inputs.find((v) => v.name === name && !v.isInitializer);
    if (!x)
      throw usage(
        `the model has no input ${JSON.stringify(name)} (inputs: ${g.inputs
          .filter((v) => !v.isInitializer)
          .map((v) => v.name)
          .join(", ")})`,
      );
    const shape = x.shape;
    const dtype = x.dtype ?? "float32";
    if (!isStaticShape(shape)) throw usage(`input ${JSON.stringify(name)} needs a static shape for preprocessing (use --input-shape)`);
    // The channel axis is where the model's own layout has it: the --layout target's "c", else
    // the input's DATA_CHANNEL dim denotation (TFLite inputs are NHWC), else 1.
    const declared = x.type?.kind === "tensor" ? (x.type.dimDenotations?.indexOf("DATA_CHANNEL") ?? -1) : -1;
    const channelAxis = p.layout && p.layout[1].includes("c") ? p.layout[1].indexOf("c") : declared >= 0 ? declared : 1;
    const channels = shape[channelAxis];
    const nodes: Node[] = [];
    // The new raw input takes the original name; the original value becomes internal.
    const internalName = g.uniqueName(`${name}/preprocessed`);
    let rawShape = [...shape];
    let perm: number[] | undefined;
    if (p.layout) {
      const [from, to] = p.layout;
      if (from.length !== shape.length)
        throw usage(`--layout for ${JSON.stringify(name)}: ${from} has ${from.length} axes, the input has ${shape.length}`);
      // Model layout `to` given data in layout `from`: perm[i] = position in `from` of to[i].
      perm = [...to].map((ch) => from.indexOf(ch));
      rawShape = [...from].map((ch) => shape[to.indexOf(ch)]!);
    }
    const raw = new Value(name, tensorType(p.inputType ?? dtype, rawShape));
    g.renameValue(x, internalName);
    let cur = raw;
    const step = (opType: string, extra: (Value | undefined)[], attributes: Record<string, AttributeValue> = {}): void => {
      const out = new Value(g.uniqueName(`${name}/${opType.toLowerCase()}`));
      nodes.push(
        new Node({
          opType,
          version: model.opsetVersion("") ?? 13,
          name: g.uniqueNodeName(`${name}/preprocess/${opType}`),
          inputs: [cur, ...extra],
          outputs: [out],
          attributes,
        }),
      );
      cur = out;
    };
    const constant = (suffix: string, t: Tensor): Value => {
      const v = new Value(g.uniqueName(`${name}/${suffix}`), tensorType(t.dtype, t.dims));
      t.name = v.name;
      return g.addInitializer(v, t);
    };
    const perChannel = (values: number[], what: string): Value => {
      if (values.length !== 1 && values.length !== channels)
        throw usage(`${what} for ${JSON.stringify(name)}: ${values.length} values for ${channels} channels`);
      const dims = values.length === 1 ? [] : shape.map((_, a) => (a === channelAxis ? values.length : 1));
      return constant(what.replace(/^--/, ""), Tensor.fromArray("float32", dims, Float32Array.from(values)));
    };
    if (p.inputType && p.inputType !== dtype) step("Cast", [], { to: attr.int(dtypeToOnnx(dtype)) });
    if (perm) step("Transpose", [], { perm: attr.ints(perm) });
    if (p.reverseChannels) {
      if (typeof channels !== "number" || channels < 2)
        throw usage(`--reverse-input-channels: input ${JSON.stringify(name)} has no channel axis to reverse`);
      step(
        "Gather",
        [
          constant(
            "reverse_order",
            Tensor.fromArray(
              "int64",
              [channels],
              BigInt64Array.from({ length: channels }, (_, i) => BigInt(channels - 1 - i)),
            ),
          ),
        ],
        { axis: attr.int(channelAxis) },
      );
    }
    if (p.mean) step("Sub", [perChannel(p.mean, "--mean-values")]);
    if (p.scale) step("Div", [perChannel(p.scale, "--scale-values")]);
    if (nodes.length === 0) {
      g.renameValue(x, name);
      continue;
    }
    // Re-point the model at the preprocessed value: readers of x now read the last step.
    const index = g.inputs.indexOf(x);
    g.removeInput(x);
    g.addInput(raw, index);
    const last = nodes[nodes.length - 1]!;
    const result = last.outputs[0]!;
    x.replaceAllUsesWith(result, { graphOutputs: true });
    for (const n of nodes) g.appendNode(n);
    // The steps go first, in order.
    const order = [...nodes, ...g.nodes.filter((n) => !nodes.includes(n))];
    g.reorderNodes(order);
    result.type = x.type;
    changed = true;
  }
  return { changed };
}
