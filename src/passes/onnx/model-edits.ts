/**
 * What the user changes about a model's interface before anything else runs, with the same
 * meaning in every command (fix, lint, convert, compile), as Model Optimizer's
 * --input_shape, --freeze_placeholder_with_value and --input/--output: static input shapes,
 * inputs frozen to constants, and a cut of the graph. Applied in that order.
 */
import type { Model } from "../../ir/model.js";
import { cutGraph } from "../common/cut.js";
import { runPipeline } from "../manager.js";
import { freezeInputs } from "./freeze-inputs.js";
import { type InputShapes, setInputShapes } from "./input-shapes.js";
import { shapeInferencePass } from "./shape-inference.js";

export interface ModelEdits {
  /** Static shapes for dynamic inputs, by input name. */
  inputShapes?: InputShapes;
  /**
   * Let inputShapes change an input's rank (Model Optimizer's behaviour); refused otherwise,
   * and always on the command line.
   */
  allowRankChange?: boolean;
  /** Inputs that become constants, with their values (in the input's dtype and shape). */
  freeze?: ReadonlyMap<string, readonly number[]>;
  /** Values that become the graph's inputs (what computed them is dropped). */
  inputs?: readonly string[];
  /** Values that become the graph's outputs (what only fed other outputs is dropped). */
  outputs?: readonly string[];
}

/** Whether any edit is asked for. */
export function hasModelEdits(edits: ModelEdits): boolean {
  return Boolean(edits.inputShapes?.size || edits.freeze?.size || edits.inputs?.length || edits.outputs?.length);
}

export function applyModelEdits(model: Model, edits: ModelEdits): void {
  if (edits.inputShapes?.size) setInputShapes(model, edits.inputShapes, { allowRankChange: edits.allowRankChange ?? false });
  if (edits.freeze?.size) freezeInputs(model, edits.freeze);
  if (edits.inputs?.length || edits.outputs?.length) {
    // New inputs need types: infer them first.
    if (edits.inputs?.length) runPipeline(model, [shapeInferencePass]);
    cutGraph(model, { ...(edits.inputs ? { inputs: edits.inputs } : {}), ...(edits.outputs ? { outputs: edits.outputs } : {}) });
  }
}

/**
 * Initializers that IR < 4 models also list as inputs become plain constants, as in Model
 * Optimizer: a compiled network has no way to override them. `fix` keeps them (it writes
 * ONNX again); everything that lowers drops them first.
 */
export function constantizeInitializerInputs(model: Model): void {
  for (const v of [...model.graph.inputs]) if (v.isInitializer) model.graph.removeInput(v);
}
