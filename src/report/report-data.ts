/**
 * The report's data: everything the viewer (web/viewer) draws, as plain JSON. The same data
 * comes from `myriadc report` (inlined into the HTML file) and from the browser page (built
 * in the page from the dropped files). Types only, so the viewer can import them.
 */

/** A lint finding exactly as `lint --format json` writes it. */
export interface ReportFinding {
  rule: string;
  severity: "error" | "warning";
  node: string;
  op: string;
  message: string;
  suggestion: string | null;
  fixable: boolean;
  /** Why the fixing pass does not apply to this node, when a rule's fix exists but not here. */
  whyNotFixable: string | null;
}

export interface ReportTensor {
  name: string;
  /** "float32[1,3,224,224]", "?" when unknown. */
  type: string;
  /** A constant (initializer): shown on the node, not drawn as an edge. */
  constant?: boolean;
}

export interface ReportNode {
  /** Unique within its graph (the node name, or "#index" for an unnamed node). */
  id: string;
  name: string;
  op: string;
  /** "ai.onnx" / "openvino" / a custom domain, with the op set version. */
  domain: string;
  version: number | null;
  attributes: [string, string][];
  inputs: ReportTensor[];
  outputs: ReportTensor[];
  /** The worst severity among its findings, or null. */
  severity: "error" | "warning" | null;
  /** Indexes into the graph's findings. */
  findings: number[];
  /** MACs of this node (convolutions, matrix products, recurrent gates). */
  macs?: number;
  /** Source graph: the IR layers this node became; [] when `fix` folded or removed it. */
  becameLayers?: string[];
  /** IR graph: the source node it came from, when known. */
  fromSource?: string;
  /** Nested graphs (If/Loop bodies): their node counts. */
  subgraphs?: { attribute: string; nodes: number }[];
}

export interface ReportGraph {
  id: "source" | "ir";
  title: string;
  /** Graph inputs (not constants) and outputs, drawn as their own small nodes. */
  inputs: ReportTensor[];
  outputs: ReportTensor[];
  nodes: ReportNode[];
  /** The lint of this graph, exactly as `lint --format json` gives it. */
  findings: ReportFinding[];
}

export interface ReportCardInput extends ReportTensor {
  /** What the model does to this input first (Model Optimizer-style preprocessing), in words. */
  preprocessing: string[];
}

export interface ReportCard {
  inputs: ReportCardInput[];
  outputs: ReportTensor[];
  parameters: number;
  weightBytesFp16: number;
  macs: number | null;
  macsByOp: Record<string, number>;
  /** Per-layer MACs, largest first. */
  macsPerLayer: { node: string; op: string; macs: number }[];
  /** "≈ 90 FPS on OAK (RVC2) (±47% on 15 published models; …)", or null without static shapes. */
  oakEstimate: string | null;
  /** What MYRIAD will still refuse after conversion (the lint of the emitted IR, errors). */
  refused: ReportFinding[];
  /** FP16 calibration (with --calibrate…): what it found; null when not asked for. */
  calibration: {
    inputs: string;
    findings: ReportFinding[];
    /** The float tensors nearest FP16's ±65504 first (at most CALIBRATION_TENSORS_SHOWN), of `tensorCount`. */
    tensors: ReportFp16Tensor[];
    tensorCount: number;
  } | null;
  /** The conversion: what was written, or why it failed. */
  conversion: { dataType: "FP32" | "FP16"; layers: number; weightsBytes: number; myriadFixes: string[] } | { error: string } | null;
}

export interface ReportData {
  schemaVersion: 1;
  generator: string;
  model: { name: string; format: string };
  card: ReportCard;
  /** The source graph first; the emitted IR second when the model was converted. */
  graphs: ReportGraph[];
  /** How to get a .blob from the converted IR. */
  compile: { myriadc: string; compileTool: string; config: string } | null;
}

/** One tensor of the calibration run: its peak on the calibration data against FP16's ±65504, and FP16's error on it. */
export interface ReportFp16Tensor {
  tensor: string;
  node: string;
  op: string;
  maxAbs: number;
  /** Max-abs difference of the FP16 run over maxAbs. */
  relativeError: number;
}

/** How many tensors the model card lists (a large net has thousands; the ones nearest overflow matter). */
export const CALIBRATION_TENSORS_SHOWN = 25;
