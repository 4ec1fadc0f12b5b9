/** The pass pipelines the CLI runs; each pass is also usable alone. */
import { csePass } from "./common/cse.js";
import { deadCodePass } from "./common/dead-code.js";
import { identityPass } from "./common/identity.js";
import { constantFoldingPass, type FoldOptions } from "./onnx/constant-folding.js";
import { transposeSinkingPass } from "./onnx/layout/transpose-sinking.js";
import { shapeInferencePass } from "./onnx/shape-inference.js";
import { foldBatchNormPass } from "./onnx/simplify/fold-batchnorm.js";
import { fuseTransposeReshapePass } from "./onnx/simplify/fuse-transpose-reshape.js";
import { inlineConstantIfPass } from "./onnx/simplify/inline-constant-if.js";
import { matmulAddToGemmPass } from "./onnx/simplify/matmul-add-to-gemm.js";
import { noopPass } from "./onnx/simplify/noop.js";
import type { Pass } from "./pass.js";

/**
 * `myriadc fix`: infer shapes, fold constants, simplify, drop pass-through and dead nodes,
 * repeated to a fixed point. Shape inference goes first in each round because folding and
 * several simplifications need static shapes.
 */
export function fixPipeline(options: { fold?: FoldOptions } = {}): Pass[] {
  return [
    shapeInferencePass,
    constantFoldingPass(options.fold),
    inlineConstantIfPass,
    noopPass,
    identityPass,
    fuseTransposeReshapePass,
    transposeSinkingPass,
    foldBatchNormPass,
    matmulAddToGemmPass,
    csePass,
    deadCodePass,
  ];
}
