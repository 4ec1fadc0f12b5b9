/**
 * What the library calls accept as a model: what `loadModel` returns, or a bare `Model`
 * (built or transformed in code), whose dialect is then read off its nodes.
 */
import type { GraphDialect, LoadedModel } from "../frontends/frontend.js";
import { Model } from "../ir/model.js";
import { OPENVINO } from "../lower/builder.js";

export type ModelInput = Model | LoadedModel;

/** "openvino" when every node of every graph is an OpenVINO op, else "onnx". */
export function dialectOf(model: Model): GraphDialect {
  let any = false;
  for (const n of model.graph.allNodes()) {
    if (n.domain !== OPENVINO) return "onnx";
    any = true;
  }
  return any ? "openvino" : "onnx";
}

export function modelOf(input: ModelInput): { model: Model; dialect: GraphDialect } {
  if (input instanceof Model) return { model: input, dialect: dialectOf(input) };
  return { model: input.model, dialect: input.dialect };
}
