/**
 * myriad/device-memory: a single tensor, or the weights together, larger than the DDR of a
 * MyriadX device (512 MiB on OAK cameras and the NCS2) — the model cannot run there at all.
 * myriad/device-memory-tight: larger than the DDR a running DepthAI pipeline has left
 * (358.82 MiB): it may not fit beside the firmware and the pipeline's own buffers.
 * Sizes are those on the device (float tensors as FP16, I64 as I32), computed from shapes;
 * nothing is allocated or read. Figures and sources: src/targets/myriad/device-memory.ts.
 */
import type { Value } from "../../ir/value.js";
import { type DeviceMemory, deviceBytes, MYRIADX_MEMORY } from "../../targets/myriad/device-memory.js";
import { myriadTypeOf } from "../../targets/myriad/types.js";
import { formatBytes } from "../../util/limits.js";
import type { Finding } from "../finding.js";
import { type LintContext, type LintRule, type Place, type RuleMeta, report } from "../rule.js";

export const DEVICE_MEMORY: RuleMeta = {
  id: "myriad/device-memory",
  severity: "error",
  description: "a tensor, or the weights together, larger than the 512 MiB of DDR an OAK camera or NCS2 has",
  docs:
    "OAK cameras and the Neural Compute Stick 2 have 512 MiB of DDR (Luxonis, DepthAI 'RAM usage'), shared by the firmware, the " +
    "network's weights and its intermediate tensors. A single tensor or a weights total above it cannot be placed on the device, " +
    "whatever compile_tool says. Sizes are on the device: float tensors as FP16, 64-bit integers as I32.",
  fixedBy: [],
};

export const DEVICE_MEMORY_TIGHT: RuleMeta = {
  id: "myriad/device-memory-tight",
  severity: "warning",
  description: "a tensor, or the weights together, larger than the 358.82 MiB of DDR a running DepthAI pipeline has",
  docs:
    "Of the 512 MiB, firmware and the two CPU heaps take their share: DepthAI's memory log shows 358.82 MiB of DDR for the " +
    "pipeline (Luxonis, 'RAM usage'). A tensor or weights total above that may fail on the device with OUT_OF_MEMORY.",
  fixedBy: [],
};

/** Where a value comes from, for the finding: its node, or the constant or input it is. */
function placeOf(v: Value): Place {
  if (v.producer) return v.producer;
  return { name: v.name, opType: v.initializer ? "Const" : "Parameter" };
}

const onDevice = (dtype: Parameters<typeof myriadTypeOf>[0]) => myriadTypeOf(dtype) ?? dtype;

/** The rule for a device with `memory` (tests use a small one, so their graphs stay small enough to legalize). */
export function deviceMemoryRuleFor(memory: DeviceMemory): LintRule {
  return {
    meta: [DEVICE_MEMORY, DEVICE_MEMORY_TIGHT],
    check: (ctx) => checkDeviceMemory(ctx, memory),
  };
}

export const deviceMemoryRule: LintRule = deviceMemoryRuleFor(MYRIADX_MEMORY);

function checkDeviceMemory({ model, types }: LintContext, memory: DeviceMemory): Finding[] {
  const findings: Finding[] = [];
  const over = (bytes: number) =>
    bytes > memory.ddrBytes ? DEVICE_MEMORY : bytes > memory.pipelineBytes ? DEVICE_MEMORY_TIGHT : undefined;
  const limitText = (meta: RuleMeta) =>
    meta === DEVICE_MEMORY
      ? `the ${formatBytes(memory.ddrBytes)} of DDR ${memory.device} has`
      : `the ${formatBytes(memory.pipelineBytes)} of DDR a running DepthAI pipeline has`;
  for (const [v, t] of types) {
    if (t.dims.some((d) => d === null)) continue;
    const bytes = deviceBytes(t.dtype, t.dims as number[]);
    const meta = over(bytes);
    if (!meta) continue;
    findings.push(
      report(
        meta,
        placeOf(v),
        `${JSON.stringify(v.name)} is ${t.dtype}[${t.dims.join(",")}]: ${formatBytes(bytes)} as ${onDevice(t.dtype)} on the device, ` +
          `more than ${limitText(meta)}`,
        {
          suggestion: v.initializer
            ? "make the constant smaller (or compute it at run time)"
            : "run the model on smaller inputs (--input-shape)",
        },
      ),
    );
  }
  // The weights together: each constant once, by its shape (the data is never read).
  let total = 0;
  let largest: { v: Value; bytes: number } | undefined;
  for (const v of model.graph.initializers.values()) {
    const t = v.initializer!;
    const bytes = deviceBytes(t.dtype, t.dims);
    total += bytes;
    if (!largest || bytes > largest.bytes) largest = { v, bytes };
  }
  const meta = over(total);
  if (meta && largest)
    findings.push(
      report(
        meta,
        { name: largest.v.name, opType: "Const" },
        `the weights take ${formatBytes(total)} on the device (${model.graph.initializers.size} constants, the largest ` +
          `${JSON.stringify(largest.v.name)} with ${formatBytes(largest.bytes)}), more than ${limitText(meta)}`,
        { suggestion: "use a smaller model (fewer or narrower layers)" },
      ),
    );
  return findings;
}
