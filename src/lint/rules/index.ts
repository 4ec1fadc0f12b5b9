/**
 * Every lint rule, in one explicit list (typescript-eslint style): the rules that check a
 * lowered (OpenVINO-dialect) graph, and the metas of every rule id lint can report, in the
 * order the README's rule table lists them.
 */
import { FP16_CALIBRATION_META } from "../fp16-calibration.js";
import type { LintRule, RuleMeta } from "../rule.js";
import { deviceMemoryRule } from "./device-memory.js";
import { dynamicShapeRule } from "./dynamic-shape.js";
import { fp16ConstantsRule } from "./fp16-constants.js";
import { i64RangeRule } from "./i64-range.js";
import { illegalConvertRule } from "./illegal-convert.js";
import { inputTypeRule } from "./input-type.js";
import { LOWERING_NOTE_METAS } from "./lowering-notes.js";
import { NOT_LOWERED } from "./not-lowered.js";
import { opConstraintsRule } from "./op-constraints.js";
import { opVersionRule } from "./op-version.js";
import { QUANTIZED } from "./quantized.js";
import { unsupportedOpRule } from "./unsupported-op.js";

export const MYRIAD_RULES: readonly LintRule[] = [
  unsupportedOpRule,
  opVersionRule,
  inputTypeRule,
  illegalConvertRule,
  opConstraintsRule,
  dynamicShapeRule,
  i64RangeRule,
  fp16ConstantsRule,
  deviceMemoryRule,
];

/** Every rule id lint reports: lowering failures first, then the graph rules, then calibration's. */
export const RULE_METAS: readonly RuleMeta[] = [
  NOT_LOWERED,
  ...LOWERING_NOTE_METAS,
  QUANTIZED,
  ...MYRIAD_RULES.flatMap((r) => r.meta),
  ...FP16_CALIBRATION_META,
];
