/**
 * What the lowering tells the user about how it lowered a node, as lint warnings: an If
 * computed as both branches and a Select (myriad/if-both-branches), a quantized op that
 * --dequantize had to leave quantized (myriad/dequantize-incomplete). The lowering rules
 * write the message and the advice; these are their metas.
 */
import type { LoweringNote } from "../../lower/lower.js";
import type { Finding } from "../finding.js";
import { metaOf, type RuleMeta, report } from "../rule.js";

export const LOWERING_NOTE_METAS: readonly RuleMeta[] = [
  {
    id: "myriad/if-both-branches",
    severity: "warning",
    description: "an If decided at run time is computed as both branches and a Select (the cost of the other branch, in MACs)",
    docs:
      "MYRIAD compiles one static graph and the 2022.3 plugin reads no If. When both branches of an If are free of side " +
      "effects and give outputs of one static type, convert computes both and Select (which MYRIAD runs) picks each output: " +
      "exact, at the price of the branch that would have been skipped, which the finding counts in MACs. When the condition " +
      "depends only on a setting (a sample rate, a flag), --freeze keeps just the branch that runs.",
    fixedBy: [],
  },
  {
    id: "myriad/dequantize-incomplete",
    severity: "warning",
    description:
      "with --dequantize, a quantized op whose rescaling is not the product of its input's and its weights' scales stays quantized",
    docs:
      "--dequantize computes ConvInteger/MatMulInteger in float on the float input when the Mul after them is x_scale·w_scale " +
      "of a DynamicQuantizeLinear input and constant weight scales (what quantize_dynamic writes). Otherwise the op is kept " +
      "exact, and quantized.",
    fixedBy: [],
  },
];

/** The lowering's notes as findings (their rule ids are the metas above). */
export function loweringNoteFindings(notes: readonly LoweringNote[]): Finding[] {
  return notes.map((n) =>
    report(metaOf(LOWERING_NOTE_METAS, n.rule), { name: n.node, opType: n.op }, n.message, { suggestion: n.suggestion }),
  );
}
