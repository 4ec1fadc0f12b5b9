/**
 * Lint findings: what is wrong, where (the node and its op), how bad, what to do, and
 * whether `fix --target myriad` / `convert --target myriad` repairs it.
 */
export type Severity = "error" | "warning";

export interface Finding {
  /** Stable rule id, e.g. "myriad/input-type" (documented in the README). */
  readonly rule: string;
  readonly severity: Severity;
  /** Name of the node (layer) the finding is about; "" for model-level findings. */
  readonly node: string;
  /** Its op type (OpenVINO op, or ONNX op when the node could not be lowered). */
  readonly op: string;
  readonly message: string;
  readonly suggestion?: string;
  /** True when fix/convert --target myriad repairs it. */
  readonly fixable: boolean;
  /** When a fix exists for the rule but not for this node: why (the fixing pass's own reason). */
  readonly whyNotFixable?: string;
}

export function countBySeverity(findings: readonly Finding[]): { errors: number; warnings: number; fixable: number } {
  return {
    errors: findings.filter((f) => f.severity === "error").length,
    warnings: findings.filter((f) => f.severity === "warning").length,
    fixable: findings.filter((f) => f.fixable).length,
  };
}
