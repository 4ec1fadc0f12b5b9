/**
 * Every frontend, in the order they are asked. A new format is registered here and nowhere
 * else (its folder holds the rest).
 */
import type { Frontend } from "./frontend.js";
import { onnxFrontend } from "./onnx/frontend.js";
import { openvinoFrontend } from "./openvino/frontend.js";
import { tfliteFrontend } from "./tflite/frontend.js";

export const FRONTENDS: readonly Frontend[] = [openvinoFrontend, tfliteFrontend, onnxFrontend];
