/**
 * Lowering of ONNX If. OpenVINO's If (opset8) is beyond what the MYRIAD plugin of 2022.3
 * reads, and MYRIAD compiles one static graph, so the branch cannot be chosen at run time.
 * What it can do: compute both branches and pick each output with Select, which MYRIAD runs
 * (an Eltwise stage). That is exact when both branches are free of side effects (no random
 * ops) and give outputs of the same type and static shape; the price is the work of the
 * branch that would have been skipped, reported in MACs. A constant condition lowers only
 * the branch that runs. Anything else fails with the node named and the way out: cut the
 * model around the If, or freeze the input the condition depends on.
 */
import type { Graph } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import { formatShape, isStaticShape, shapeSize } from "../../ir/shape.js";
import type { TensorType } from "../../ir/types.js";
import type { Value } from "../../ir/value.js";
import type { LowerContext } from "../context.js";
import type { LoweringRule } from "../rule-helpers.js";

/** Inputs of at most this many values are settings one may freeze (as lint's not-lowered advice counts them). */
const MAX_SETTING_ELEMENTS = 8;

/** Ops whose results are not a function of their inputs: computing both branches would change what they do. */
const NOT_PURE = new Set(["RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike", "Multinomial", "Bernoulli"]);

function impureNode(g: Graph): Node | undefined {
  for (const n of g.nodes) {
    if (NOT_PURE.has(n.opType)) return n;
    for (const sg of n.subgraphs()) {
      const inner = impureNode(sg);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The graph inputs a value is computed from (through enclosing graphs, and subgraphs' outer reads). */
function inputsBehind(v: Value | undefined, out = new Set<Value>(), seen = new Set<Value>()): Set<Value> {
  if (!v || seen.has(v)) return out;
  seen.add(v);
  if (v.isGraphInput() && !v.isInitializer) out.add(v);
  const p = v.producer;
  if (!p) return out;
  for (const i of p.inputs) inputsBehind(i, out, seen);
  return out;
}

const product = (d: readonly number[], from = 0) => shapeSize(d.slice(from));

/** Static dims of a value, or undefined. */
function staticDims(v: Value | undefined): readonly number[] | undefined {
  const s = v?.shape;
  return isStaticShape(s) ? s : undefined;
}

/**
 * Multiply-accumulates of a graph's products (convolutions, matrix products, recurrent
 * cells), from static shapes; other ops count 0, as published MAC counts do.
 */
function macsOf(g: Graph): number {
  let total = 0;
  for (const n of g.nodes) {
    for (const sg of n.subgraphs()) total += macsOf(sg);
    const input = (i: number) => staticDims(n.inputs[i]);
    const out = staticDims(n.outputs[0]);
    const w = input(/^QLinear/.test(n.opType) ? 3 : 1);
    switch (n.opType) {
      case "Conv":
      case "ConvInteger":
      case "QLinearConv":
        if (out && w) total += product(out) * product(w, 1);
        break;
      case "ConvTranspose":
        if (input(0) && w) total += product(input(0)!) * product(w, 1);
        break;
      case "MatMul":
      case "MatMulInteger":
      case "QLinearMatMul":
        if (out && input(0)) total += product(out) * input(0)!.at(-1)!;
        break;
      case "Gemm":
        if (out && input(0)) total += product(out) * input(0)![n.getInt("transA", 0) ? 0 : 1]!;
        break;
      case "LSTM":
      case "GRU":
      case "RNN": {
        const x = input(0);
        const r = input(2);
        // Per step and direction: gates × hidden × (input + hidden).
        if (x && r && w) total += x[0]! * x[1]! * w[0]! * w[1]! * (w[2]! + r[2]!);
        break;
      }
    }
  }
  return total;
}

/** Why the two branches' outputs cannot be selected between, or undefined when they can. */
function mismatch(thenG: Graph, elseG: Graph): string | undefined {
  if (thenG.outputs.length !== elseG.outputs.length) return "its branches have different numbers of outputs";
  for (let i = 0; i < thenG.outputs.length; i++) {
    const a = thenG.outputs[i]!.type as TensorType | undefined;
    const b = elseG.outputs[i]!.type as TensorType | undefined;
    const what = (t: TensorType | undefined) => (t?.kind === "tensor" ? `${t.dtype ?? "?"}${formatShape(t.shape)}` : (t?.kind ?? "?"));
    if (a?.kind !== "tensor" || b?.kind !== "tensor") return `output ${i} is not a tensor in both branches (${what(a)} vs ${what(b)})`;
    if (!isStaticShape(a.shape) || !isStaticShape(b.shape)) return `output ${i} has no static shape (${what(a)} vs ${what(b)})`;
    if (a.dtype !== b.dtype || formatShape(a.shape) !== formatShape(b.shape))
      return `its branches differ in output ${i}: ${what(a)} in then_branch, ${what(b)} in else_branch`;
  }
  return undefined;
}

/** "input \"x\"" / "inputs \"a\", \"b\"" and the --freeze flags that would fix them. */
function describeInputs(inputs: readonly Value[]): { names: string; freeze: string } {
  const names = inputs.map((v) => JSON.stringify(v.name)).join(", ");
  return {
    names: `${inputs.length === 1 ? "input" : "inputs"} ${names || "(none)"}`,
    freeze: inputs.map((v) => `--freeze ${v.name}=<value>`).join(" "),
  };
}

/** Select(cond, a, b) per output; cond (one boolean) is reshaped to broadcast without changing the output's rank. */
function select(c: LowerContext, cond: Value, a: readonly Value[], b: readonly Value[], ranks: readonly number[]): Value[] {
  return a.map((v, i) => {
    const shape = c.i64("cond_shape", new Array<number>(ranks[i]!).fill(1));
    const flag = c.one("Reshape", 1, [cond, shape], { special_zero: false });
    return c.one("Select", 1, [flag, v, b[i]!], { auto_broadcast: "numpy" });
  });
}

/** Why an If with a condition known only at run time cannot be computed as both branches and a Select, or undefined. */
function notSelectable(node: Node): string | undefined {
  const thenG = node.getGraph("then_branch");
  const elseG = node.getGraph("else_branch");
  if (!thenG || !elseG) return "a branch is missing";
  if (node.inputs[0]?.initializer && !node.inputs[0].isGraphInput()) return undefined;
  const { names, freeze } = describeInputs([...inputsBehind(node.inputs[0])]);
  const impure = impureNode(thenG) ?? impureNode(elseG);
  const why = impure ? `its branches are not free of side effects (${impure.describe()})` : mismatch(thenG, elseG);
  if (!why) return undefined;
  return (
    `its condition depends on ${names} at run time, and ${why}, so it cannot be computed as both branches and a Select; ` +
    `cut the model before or after it (--inputs/--outputs), or freeze what the condition depends on (${freeze}) if that is a setting`
  );
}

const lowerIf = (c: LowerContext): (Value | undefined)[] => {
  const why = notSelectable(c.node);
  if (why) c.fail(why);
  const thenG = c.node.getGraph("then_branch")!;
  const elseG = c.node.getGraph("else_branch")!;
  const known = c.constant(0);
  if (known) return c.session.lowerSubgraph(known.toFloat32()[0] !== 0 ? thenG : elseG, "the branch that runs");
  const behind = [...inputsBehind(c.source[0])];
  const { names, freeze } = describeInputs(behind);
  const a = c.session.lowerSubgraph(thenG, "then_branch");
  const b = c.session.lowerSubgraph(elseG, "else_branch");
  const ranks = thenG.outputs.map((v) => v.shape?.length ?? 0);
  const [macsThen, macsElse] = [macsOf(thenG), macsOf(elseG)];
  // Only settings (inputs of a few values: a sample rate, a flag) are worth freezing; data is not (lint's criterion too).
  const settings = behind.filter((v) => isStaticShape(v.shape) && shapeSize(v.shape) <= MAX_SETTING_ELEMENTS);
  c.note(
    "myriad/if-both-branches",
    `the condition depends on ${names} at run time: both branches are computed and Select picks each output, ` +
      `up to ${Math.max(macsThen, macsElse).toLocaleString("en-US")} extra MACs per inference ` +
      `(then_branch ${macsThen.toLocaleString("en-US")}, else_branch ${macsElse.toLocaleString("en-US")})`,
    settings.length === behind.length && behind.length
      ? `if that is a fixed setting, ${freeze} keeps only the branch that runs`
      : undefined,
  );
  return select(c, c.input(0), a, b, ranks);
};

const ifRule: LoweringRule = Object.assign(lowerIf, { precheck: notSelectable });

export const CONTROL_FLOW_LOWERING: Readonly<Record<string, LoweringRule>> = { If: ifRule };
