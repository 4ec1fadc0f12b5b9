/** The pass pipelines the CLI runs; each pass is also usable alone. */
import { deadCodePass } from "./common/dead-code.js";
import { identityPass } from "./common/identity.js";
import { constantFoldingPass, type FoldOptions } from "./onnx/constant-folding.js";
import { shapeInferencePass } from "./onnx/shape-inference.js";
import type { Pass } from "./pass.js";

/** `myriadc fix`: infer shapes, fold constants, drop pass-through and dead nodes, to a fixed point. */
export function fixPipeline(options: { fold?: FoldOptions } = {}): Pass[] {
  return [shapeInferencePass, constantFoldingPass(options.fold), identityPass, deadCodePass];
}
