/**
 * fast-check generators, one per class of hostile input in issue 16. Each produces the files
 * of one case and what the one-line error must name.
 */
import fc from "fast-check";
import type { PAttribute, PNode, PTensor } from "../../src/frontends/onnx/proto/codec.js";
import type { AttributeType } from "../../src/ir/attribute.js";
import { attr, floatTensor, int64Tensor, node, onnxModel, valueInfo } from "./onnx-proto.js";

// --- huge shapes ----------------------------------------------------------------------------

export interface HugeCase {
  op: string;
  dims: number[];
  bytes: Uint8Array;
}

/** 2^31 … 2^42 elements, spread over one to three dims. */
const hugeDimsArb = fc.tuple(fc.integer({ min: 31, max: 42 }), fc.integer({ min: 1, max: 3 })).map(([bits, rank]) => {
  const dims = Array.from({ length: rank }, (_, i) => 2 ** Math.floor(bits / rank + (i < bits % rank ? 1 : 0)));
  return dims;
});

function hugeModel(op: string, dims: number[]): Uint8Array {
  const x1 = valueInfo("x1", "float32", [1]);
  const y = valueInfo("y", "float32");
  switch (op) {
    case "ConstantOfShape":
      return onnxModel({
        nodes: [
          node(op, ["s"], ["c"], [attr.tensor("value", floatTensor("v", [1], [1]))], { name: "big" }),
          node("Add", ["x1", "c"], ["y"]),
        ],
        inputs: [x1],
        outputs: [y],
        initializers: [int64Tensor("s", [dims.length], dims)],
      });
    case "Expand":
    case "Tile":
      return onnxModel({
        nodes: [node(op, ["x", "s"], ["y"], [], { name: "big" })],
        inputs: [
          valueInfo(
            "x",
            "float32",
            dims.map(() => 1),
          ),
        ],
        outputs: [y],
        initializers: [int64Tensor("s", [dims.length], dims)],
      });
    case "Range":
      return onnxModel({
        nodes: [node(op, ["a", "b", "d"], ["r"], [], { name: "big" }), node("Add", ["x1", "r"], ["y"])],
        inputs: [x1],
        outputs: [y],
        initializers: [floatTensor("a", [], [0]), floatTensor("b", [], [dims.reduce((p, d) => p * d, 1)]), floatTensor("d", [], [1])],
      });
    case "Resize":
      return onnxModel({
        nodes: [node(op, ["x", "", "", "s"], ["y"], [attr.string("mode", "nearest")], { name: "big" })],
        inputs: [valueInfo("x", "float32", [1, 1, 2, 2])],
        outputs: [y],
        initializers: [
          int64Tensor(
            "s",
            [4],
            [
              1,
              1,
              Math.min(2 ** 26, dims[0]!),
              Math.max(
                2 ** 5,
                dims.slice(1).reduce((p, d) => p * d, 1),
              ),
            ],
          ),
        ],
      });
    default: // a huge declared input
      return onnxModel({
        nodes: [node("Relu", ["x"], ["y"], [], { name: "big" })],
        inputs: [valueInfo("x", "float32", dims)],
        outputs: [valueInfo("y", "float32", dims)],
      });
  }
}

export const HUGE_OPS = ["ConstantOfShape", "Expand", "Tile", "Range", "Resize", "input"] as const;

export const hugeShapeArb: fc.Arbitrary<HugeCase> = fc
  .tuple(fc.constantFrom(...HUGE_OPS), hugeDimsArb)
  .map(([op, dims]) => ({ op, dims, bytes: hugeModel(op, dims) }));

// --- wrong attribute types -------------------------------------------------------------------

interface AttrSpec {
  op: string;
  name: string;
  type: AttributeType;
  /** Other attributes the op needs to be valid. */
  base?: PAttribute[];
  /** Extra inputs (initializers) after x. */
  extra?: PTensor[];
  opset?: number;
}

const x = valueInfo("x", "float32", [1, 4, 4, 4]);

/** Attributes our code reads, with the type the ONNX specification gives them. */
export const ATTRIBUTE_SPECS: readonly AttrSpec[] = [
  { op: "Transpose", name: "perm", type: "ints" },
  { op: "Softmax", name: "axis", type: "int" },
  { op: "Flatten", name: "axis", type: "int" },
  { op: "LeakyRelu", name: "alpha", type: "float" },
  { op: "Elu", name: "alpha", type: "float" },
  { op: "HardSigmoid", name: "beta", type: "float" },
  { op: "DepthToSpace", name: "blocksize", type: "int" },
  { op: "DepthToSpace", name: "mode", type: "string", base: [attr.int("blocksize", 2)] },
  { op: "SpaceToDepth", name: "blocksize", type: "int" },
  { op: "Cast", name: "to", type: "int" },
  { op: "MaxPool", name: "kernel_shape", type: "ints" },
  { op: "MaxPool", name: "strides", type: "ints", base: [attr.ints("kernel_shape", [2, 2])] },
  { op: "AveragePool", name: "auto_pad", type: "string", base: [attr.ints("kernel_shape", [2, 2])] },
  { op: "Conv", name: "group", type: "int", extra: [floatTensor("w", [4, 4, 1, 1], new Array(16).fill(1))] },
  { op: "Conv", name: "dilations", type: "ints", extra: [floatTensor("w", [4, 4, 1, 1], new Array(16).fill(1))] },
  { op: "ReduceMean", name: "keepdims", type: "int" },
  { op: "ReduceMean", name: "axes", type: "ints", opset: 13 },
  { op: "Gather", name: "axis", type: "int", extra: [int64Tensor("i", [1], [0])] },
  { op: "Squeeze", name: "axes", type: "ints", opset: 11 },
  { op: "LRN", name: "size", type: "int" },
  { op: "Resize", name: "mode", type: "string", extra: [floatTensor("roi", [0], []), floatTensor("sc", [4], [1, 1, 2, 2])] },
];

const WRONG: Record<string, (name: string) => fc.Arbitrary<PAttribute>> = {
  int: (n) => fc.integer({ min: -5, max: 5 }).map((v) => attr.int(n, v)),
  ints: (n) => fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 4 }).map((v) => attr.ints(n, v)),
  float: (n) => fc.double({ noNaN: true, noDefaultInfinity: true, min: -4, max: 4 }).map((v) => attr.float(n, v)),
  floats: (n) =>
    fc.array(fc.double({ noNaN: true, noDefaultInfinity: true, min: -4, max: 4 }), { maxLength: 4 }).map((v) => attr.floats(n, v)),
  string: (n) => fc.string({ maxLength: 6 }).map((v) => attr.string(n, v)),
  strings: (n) => fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }).map((v) => attr.strings(n, v)),
};

export interface WrongAttributeCase {
  spec: AttrSpec;
  wrongType: string;
  bytes: Uint8Array;
}

export const wrongAttributeArb: fc.Arbitrary<WrongAttributeCase> = fc.constantFrom(...ATTRIBUTE_SPECS).chain((spec) =>
  fc
    .constantFrom(...Object.keys(WRONG).filter((t) => t !== spec.type))
    .chain((wrongType) => WRONG[wrongType]!(spec.name).map((a) => ({ spec, wrongType, a })))
    .map(({ spec, wrongType, a }) => ({
      spec,
      wrongType,
      bytes: onnxModel({
        opset: spec.opset ?? 13,
        nodes: [node(spec.op, ["x", ...(spec.extra ?? []).map((t) => t.name!)], ["y"], [...(spec.base ?? []), a], { name: "victim" })],
        inputs: [x],
        outputs: [valueInfo("y", "float32")],
        initializers: spec.extra ?? [],
      }),
    })),
);

// --- broken graphs ---------------------------------------------------------------------------

export type GraphBreak = "self-loop" | "back-edge" | "dangling" | "unknown-domain";

export interface BrokenGraphCase {
  kind: GraphBreak;
  /** The node the error must name. */
  node: string;
  bytes: Uint8Array;
}

/** A chain n0 … n(k-1) of unary ops and Adds, then one break at node `at`. */
export const brokenGraphArb: fc.Arbitrary<BrokenGraphCase> = fc
  .record({
    ops: fc.array(fc.constantFrom("Relu", "Sigmoid", "Abs", "Neg", "Add"), { minLength: 2, maxLength: 5 }),
    kind: fc.constantFrom<GraphBreak>("self-loop", "back-edge", "dangling", "unknown-domain"),
    at: fc.nat(),
    suffix: fc.stringMatching(/^[a-z]{1,6}$/),
  })
  .map(({ ops, kind, at, suffix }) => {
    const k = ops.length;
    const i = kind === "back-edge" ? at % (k - 1) : at % k;
    const nodes: PNode[] = ops.map((op, j) => {
      const prev = j === 0 ? "x" : `v${j - 1}`;
      return node(op, op === "Add" ? [prev, "x"] : [prev], [`v${j}`], [], { name: `n${j}` });
    });
    const victim = nodes[i]!;
    if (kind === "self-loop") victim.input![0] = `v${i}`;
    else if (kind === "back-edge") victim.input![0] = `v${k - 1}`;
    else if (kind === "dangling") victim.input![0] = `ghost_${suffix}`;
    else victim.domain = `com.fuzz.${suffix}`;
    const bytes = onnxModel({ nodes, inputs: [valueInfo("x", "float32", [2, 3])], outputs: [valueInfo(`v${k - 1}`, "float32")] });
    return { kind, node: `n${i}`, bytes };
  });

// --- hostile OpenVINO IR ----------------------------------------------------------------------

export type IrBreak = "doctype" | "external-entity" | "negative-offset" | "offset-beyond" | "self-edge" | "dropped-edge" | "control-char";

export interface HostileIr {
  kind: IrBreak;
  xml: string;
  /** What the error must say. */
  problem: RegExp;
}

/** Mutations of a valid IR's text (the x + w → Add → Result IR of cases.addConstModel). */
export function hostileIrArb(validXml: string, binBytes: number): fc.Arbitrary<HostileIr> {
  const afterDecl = (xml: string, insert: string) => xml.replace(/^(<\?xml[^>]*\?>\n?)/, `$1${insert}\n`);
  return fc.oneof(
    fc.integer({ min: 1, max: 12 }).map((depth) => {
      // Nested entities ("billion laughs"): each level refers to the previous one ten times.
      const ents = Array.from({ length: depth }, (_, i) => `<!ENTITY e${i} "${i === 0 ? "lol" : `&e${i - 1};`.repeat(10)}">`).join("");
      return {
        kind: "doctype" as const,
        xml: afterDecl(validXml, `<!DOCTYPE net [${ents}]>`).replace('name="g"', `name="&e${depth - 1};"`),
        problem: /DOCTYPE or entity declaration/,
      };
    }),
    fc.constantFrom("file:///etc/passwd", "http://127.0.0.1:1/x").map((uri) => ({
      kind: "external-entity" as const,
      xml: afterDecl(validXml, `<!DOCTYPE net [<!ENTITY x SYSTEM "${uri}">]>`).replace('name="g"', 'name="&x;"'),
      problem: /DOCTYPE or entity declaration/,
    })),
    fc.integer({ min: 1, max: 2 ** 40 }).map((k) => ({
      kind: "negative-offset" as const,
      xml: validXml.replace('offset="0"', `offset="-${k}"`),
      problem: /Const layer "w" has no valid offset\/size/,
    })),
    fc.integer({ min: 1, max: 2 ** 40 }).map((k) => ({
      kind: "offset-beyond" as const,
      xml: validXml.replace('offset="0"', `offset="${binBytes + k}"`),
      problem: /Const layer "w" needs bytes/,
    })),
    fc.constant({
      kind: "self-edge" as const,
      xml: validXml.replace(
        '<edge from-layer="0" from-port="0" to-layer="2" to-port="0"/>',
        '<edge from-layer="2" from-port="2" to-layer="2" to-port="0"/>',
      ),
      problem: /node "y" \(openvino::Add\) reads its own output/,
    }),
    fc.constantFrom(0, 1).map((which) => ({
      kind: "dropped-edge" as const,
      xml: validXml.replace(/\t*<edge [^>]*\/>\n/g, (m) => (m.includes(`to-layer="2" to-port="${which}"`) ? "" : m)),
      problem: new RegExp(`node "y" \\(openvino::Add\\) has nothing connected to its input ${which}`),
    })),
    fc
      .integer({ min: 1, max: 31 })
      .filter((c) => c !== 9 && c !== 10 && c !== 13)
      .map((c) => ({
        kind: "control-char" as const,
        xml: validXml.replace('name="w"', `name="w${String.fromCharCode(c)}"`),
        problem: /character XML 1\.0 does not allow/,
      })),
  );
}

// --- malformed arguments ---------------------------------------------------------------------

/** Shape texts: mostly near-misses of `[1,3,4,4]` (missing entries, signs, letters, brackets). */
export const shapeTextArb: fc.Arbitrary<string> = fc
  .oneof(
    fc
      .array(
        fc.oneof(fc.constantFrom("", " ", "-1", "1.5", "a", "1e3", "0x4", "+2", "99999999999999999999"), fc.nat({ max: 8 }).map(String)),
        {
          maxLength: 6,
        },
      )
      .chain((parts) => fc.tuple(fc.constantFrom("[", ""), fc.constantFrom("]", ""), fc.constant(parts.join(",")))),
    fc.tuple(fc.constantFrom("[", "(", ""), fc.constantFrom("]", ")", ""), fc.string({ maxLength: 10 })),
  )
  .map((v) => (Array.isArray(v) ? `${v[0]}${v[2]}${v[1]}` : v));

/** The strict grammar the CLI accepts: optional matching brackets around whole numbers separated by commas. */
export function isWellFormedShape(text: string): boolean {
  return (
    /^\s*(\[\s*\d+(\s*,\s*\d+)*\s*\]|\d+(\s*,\s*\d+)*)\s*$/.test(text) &&
    text.split(",").every((d) => Number.isSafeInteger(Number(d.replace(/[[\]\s]/g, ""))))
  );
}
