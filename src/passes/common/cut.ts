/**
 * Cutting a subgraph, like Model Optimizer's --input/--output: `--inputs a,b` makes those
 * values the graph's inputs (what computed them is dropped), `--outputs x,y` makes those
 * values its outputs (what only fed other outputs is dropped). Works on any dialect.
 */
import type { Model } from "../../ir/model.js";
import { formatType } from "../../ir/types.js";
import { Value } from "../../ir/value.js";
import { MyriadcError } from "../../util/errors.js";
import type { PassResult } from "../pass.js";
import { eliminateDeadCode } from "./dead-code.js";

export function splitNames(list: string): string[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

export function cutGraph(model: Model, cut: { inputs?: readonly string[]; outputs?: readonly string[] }): PassResult {
  const g = model.graph;
  const find = (name: string, flag: string): Value => {
    const v = g.value(name);
    if (!v) throw new MyriadcError("usage", `${flag}: the graph has no value ${JSON.stringify(name)} (see \`myriadc inspect\` for names)`);
    return v;
  };
  if (cut.outputs?.length) {
    const outs = cut.outputs.map((n) => find(n, "--outputs"));
    while (g.outputs.length) g.removeOutput(0);
    for (const v of outs) g.addOutput(v);
  }
  if (cut.inputs?.length) {
    const fresh: Value[] = [];
    for (const name of cut.inputs) {
      const old = find(name, "--inputs");
      if (old.isGraphInput()) {
        fresh.push(old);
        continue;
      }
      if (old.isInitializer)
        throw new MyriadcError(
          "usage",
          `--inputs: ${JSON.stringify(name)} is a constant (an initializer), not a value computed by the graph`,
        );
      if (old.type?.kind !== "tensor" || old.dtype === undefined || old.shape === undefined) {
        throw new MyriadcError(
          "usage",
          `--inputs: the type of ${JSON.stringify(name)} is not known (${formatType(old.type)}); use --input-shape so shapes can be inferred`,
        );
      }
      // A new graph input takes the name; the old value (and what computed it) is cut off.
      const v = new Value(name, old.type);
      const wasOutput = old.isGraphOutput();
      old.replaceAllUsesWith(v, { graphOutputs: wasOutput });
      g.renameValue(old, g.uniqueName(`${name}_cut`));
      fresh.push(v);
    }
    for (const v of [...g.inputs]) if (!fresh.includes(v) && !v.isInitializer) g.removeInput(v);
    for (const v of fresh) if (!g.inputs.includes(v)) g.addInput(v);
  }
  eliminateDeadCode(g);
  return { changed: Boolean(cut.inputs?.length || cut.outputs?.length) };
}
