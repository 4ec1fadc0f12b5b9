/**
 * compile_tool's (and the MYRIAD plugin's) known failure texts, as one table: what each
 * means, the layer it names, and what to do — so a failed compile reads as a diagnostic at the
 * node instead of a C++ exception. Source of every text: shared/docs/myriadx-target.md §1, §2
 * and §5 (with the OpenVINO/blobconverter issues cited there).
 */
export interface KnownError {
  readonly id: string;
  readonly pattern: RegExp;
  /** The node (layer) the text names: the index of the capture group, if any. */
  readonly nodeGroup?: number;
  readonly explain: (m: RegExpExecArray) => string;
  readonly suggestion: string;
  readonly source: string;
}

export const KNOWN_ERRORS: readonly KnownError[] = [
  {
    id: "unsupported-layer",
    pattern: /Failed to compile layer "([^"]+)": unsupported layer type "([^"]+)"/,
    nodeGroup: 1,
    explain: (m) => `MYRIAD has no layer for ${m[2]}`,
    suggestion: "run myriadc lint on the model: it names the rewrite or the part to run on the host",
    source: "§5.1 (depthai-core #858, openvino #25628, blobconverter #14)",
  },
  {
    id: "input-type",
    pattern: /Stage node (\S+) \((\w+)\) types check error: input #(\d+) has type (\w+), but (?:one of )?\[?([\w, ]+?)\]? is expected/,
    nodeGroup: 1,
    explain: (m) =>
      `${m[2]} computes in ${m[5]} but input #${m[3]} is ${m[4]} (integer math, usually I64 index arithmetic narrowed to S32)`,
    suggestion: "convert with myriadc (convert --target myriad inserts the Converts), or fix --target myriad the ONNX model",
    source: "§5.2 (openvino #16105, PINTO_model_zoo #312)",
  },
  {
    id: "opset-too-new",
    pattern: /Cannot create (\w+) layer (\S+?)(?: id:\d+)? from unsupported opset: (opset\d+)/,
    nodeGroup: 2,
    explain: (m) => `the IR uses ${m[1]} from ${m[3]}, newer than the compiler's IR reader knows`,
    suggestion: "write the IR with myriadc convert (opset1–opset10 only) or with the Model Optimizer of the compiler's own version",
    source: "§5.3 (openvino #19950, blobconverter #16, #47)",
  },
  {
    id: "interpolate-mode",
    pattern: /Current Interpolate supports 'nearest' and 'linear' modes only/,
    explain: () => "an Interpolate (Resize) uses a mode MYRIAD lacks, such as cubic",
    suggestion: "resize with nearest or (bi)linear; myriadc lint names the layer",
    source: "§5.4 (openvino #25628)",
  },
  {
    id: "dynamic-dimension",
    pattern: /Cannot get length of dynamic dimension/,
    explain: () => "a tensor size is only known at run time; MYRIAD compiles static shapes",
    suggestion: "give static input shapes (convert --input-shape) and let fix fold the shape arithmetic",
    source: "§5.6 (blobconverter #76, #48)",
  },
  {
    id: "dynamic-node",
    pattern: /DynamicToStaticShape transformation encountered dynamic node (\S+)/,
    nodeGroup: 1,
    explain: () => "a layer with a run-time shape (e.g. If) that the plugin cannot make static",
    suggestion: "freeze the inputs that decide it (--freeze) or cut it off (--outputs) and run it on the host",
    source: "§5.6 (openvino #14281, #11510)",
  },
  {
    id: "reshape-check",
    pattern: /backward_compatible_check \|\| in_out_elements_equal/,
    explain: () => "a Reshape whose target shape depends on the batch or another run-time size",
    suggestion: "fix the batch size (--input-shape) so the target shape is computed ahead of time",
    source: "§5.7 (blobconverter #23)",
  },
  {
    id: "pad-value",
    pattern: /Unsupported pad value/,
    explain: () => "a Pad MYRIAD cannot run (it pads 4-D tensors with a constant value)",
    suggestion: "myriadc lint names the Pad; convert reshapes low-rank Pads to 4-D",
    source: "§5.8 (blobconverter #34)",
  },
  {
    id: "const-size",
    pattern: /Const data got different desc and content byte sizes|has incorrect dimensions in the output data/,
    explain: () => "a constant the plugin mis-reads (a known 2022.1 regression)",
    suggestion: "write the IR in FP16 (--data-type FP16) or compile with 2022.3.1",
    source: "§5.9 (openvino #11860, #11598)",
  },
  {
    id: "illegal-convert",
    pattern: /Conversion from (\w+) to (\w+) is unsupported/,
    explain: (m) => `MYRIAD's Convert has no ${m[1]}→${m[2]}`,
    suggestion: "convert with myriadc (it chains legal Converts)",
    source: "§2 stages/convert.cpp",
  },
  {
    id: "no-plugin",
    pattern:
      /Cannot load library '[^']*libopenvino_intel_myriad_plugin[^']*'|libopenvino_intel_myriad_plugin\.so: cannot open shared object file/,
    explain: () => "this OpenVINO installation has no MYRIAD plugin (2022.3.0 and the pip wheels ship without it)",
    suggestion: "use the OpenVINO 2022.3.1 (or 2022.3.2) archive or Docker image",
    source: "§0 and §5.10 (openvino #19950, #14918, #13968)",
  },
  {
    id: "no-device",
    pattern: /Failed to allocate graph: MYRIAD device is not opened/,
    explain: () => "this compile_tool (2022.1) wants a connected device even to compile",
    suggestion: "use compile_tool 2022.3.1, or keep MYRIAD_ENABLE_MX_BOOT NO in the config (myriadc writes it)",
    source: "§1 and §5.10 (openvino #11807)",
  },
  {
    id: "ir-v5",
    pattern: /The support of IR v5 has been removed/,
    explain: () => "the IR is version 5, which OpenVINO 2022 no longer reads",
    suggestion: "convert the source model again with myriadc (it writes IR v11)",
    source: "§5.10 (depthai #397)",
  },
  {
    id: "bad-precision",
    pattern: /"([^"]*)" is not a valid precision/,
    explain: (m) => `compile_tool does not know the precision ${m[1]}`,
    suggestion: "use FP16, FP32, U8, I32 … (myriadc checks --ip/--op/--iop before running)",
    source: "§1 accepted precision names",
  },
  {
    id: "iop-bug",
    pattern: /Model doesn't have input\/output with tensor name/,
    explain: () => "compile_tool 2022.x rejects valid -iop/-iol names (an inverted assert, fixed by openvino PR #13526)",
    suggestion: "use --ip/--op instead of --iop",
    source: "§1 known bug",
  },
];

export interface ToolDiagnostic {
  id: string;
  /** The layer the tool named, when it did. */
  node?: string;
  message: string;
  suggestion: string;
}

/** The known failures in a tool's output (stdout and stderr together), first occurrence each. */
export function explainToolOutput(text: string): ToolDiagnostic[] {
  const found: ToolDiagnostic[] = [];
  for (const k of KNOWN_ERRORS) {
    const m = k.pattern.exec(text);
    if (!m) continue;
    found.push({
      id: k.id,
      ...(k.nodeGroup !== undefined && m[k.nodeGroup] ? { node: m[k.nodeGroup] } : {}),
      message: k.explain(m),
      suggestion: k.suggestion,
    });
  }
  return found;
}

/** The last non-empty line of a tool's output: what it said when it stopped. */
export function lastLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ""
  );
}
