/**
 * `--freeze`, `--inputs` and `--outputs` on convert, lint and compile, with fix's meaning, so
 * one command does what took `fix` then `convert` (as with Model Optimizer). The model is
 * shaped like silero VAD's: a branch chosen by `If(sr == 16000)`, which only folds once sr is
 * a constant.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { memoryIO } from "../../src/cli/io.js";
import { runCli } from "../../src/cli/program.js";
import { saveOnnxFile } from "../../src/frontends/onnx/save.js";
import { readIr } from "../../src/frontends/openvino/read-ir.js";
import { readNpy } from "../../src/io/npy.js";
import { attr } from "../../src/ir/attribute.js";
import { Graph } from "../../src/ir/graph.js";
import { Node } from "../../src/ir/node.js";
import { Tensor } from "../../src/ir/tensor.js";
import { tensorType } from "../../src/ir/types.js";
import { Value } from "../../src/ir/value.js";
import { GraphBuilder } from "../support/build.js";
import { diff, withinFp16, withinFp32 } from "../support/compare.js";
import { REPO_ROOT } from "../support/corpus.js";

const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-model-edits-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** y = If(sr == 16000, Sigmoid(Relu(x)), Abs(x)): x float32 [1,4], sr an int64 scalar input. */
function vadLike(): string {
  const b = new GraphBuilder(13);
  const x = b.input("x", "float32", [1, 4]);
  const sr = b.input("sr", "int64", []);
  const [cond] = b.op("Equal", [sr, b.ints("rate", [16000], [])]);
  const out = new Value("y", tensorType("float32", [1, 4]));
  const ifNode = new Node({ opType: "If", version: 13, name: "pick_rate", inputs: [cond], outputs: [out] });
  const branch = (name: string, ops: string[]) => {
    const g = new Graph(name);
    g.parent = ifNode;
    let v = x;
    for (const op of ops) {
      const o = new Value(`${name}_${op}`, tensorType("float32", [1, 4]));
      g.appendNode(new Node({ opType: op, version: 13, name: `${name}_${op}_node`, inputs: [v], outputs: [o] }));
      v = o;
    }
    g.addOutput(v);
    return g;
  };
  ifNode.setAttribute("then_branch", attr.graph(branch("then", ["Relu", "Sigmoid"])));
  ifNode.setAttribute("else_branch", attr.graph(branch("else", ["Abs"])));
  b.graph.appendNode(ifNode);
  b.output(out);
  const file = join(dir, "vad_like.onnx");
  saveOnnxFile(b.model(), file);
  return file;
}

/** The IR's layer types in file order. */
const layerTypes = (xml: string) => readIr(xml).net.layers.map((l) => l.type);

describe("--freeze / --inputs / --outputs on convert, lint and compile", () => {
  it("convert without --freeze computes both branches and names --freeze sr=<value> as the way to keep one", async () => {
    const xml = join(dir, "unfrozen.xml");
    const io = memoryIO();
    expect(await runCli(["convert", vadLike(), "-o", xml], io), io.err).toBe(0);
    expect(layerTypes(xml)).toEqual(expect.arrayContaining(["ReLU", "Sigmoid", "Abs", "Select"]));
    expect(io.out).toMatch(/^note: pick_rate \(If\): .*both branches are computed.*--freeze sr=<value> keeps only the branch that runs$/m);
  });

  it("convert --freeze sr=16000 folds the If to its then branch in one command", async () => {
    const xml = join(dir, "frozen.xml");
    const io = memoryIO();
    expect(await runCli(["convert", vadLike(), "-o", xml, "--freeze", "sr=16000"], io), io.err).toBe(0);
    expect(layerTypes(xml)).toEqual(["Parameter", "ReLU", "Sigmoid", "Result"]);
    // Recorded as Model Optimizer records it.
    expect(readFileSync(xml, "utf8")).toMatch(/<freeze_placeholder_with_value value="sr=16000"/);
  });

  it("--freeze picks the else branch for another rate", async () => {
    const xml = join(dir, "frozen8k.xml");
    expect(await runCli(["convert", vadLike(), "-o", xml, "--freeze", "sr=8000"], memoryIO())).toBe(0);
    expect(layerTypes(xml)).toEqual(["Parameter", "Abs", "Result"]);
  });

  it("lint --freeze checks the model convert would write: the If's extra branch becomes fixable", async () => {
    // Lint shows problems of the model as given and marks those `fix` (with the same edits) removes.
    type F = { rule: string; node: string; fixable: boolean };
    const findings = async (...extra: string[]): Promise<F[]> => {
      const io = memoryIO();
      await runCli(["lint", vadLike(), "--format", "json", ...extra], io);
      return JSON.parse(io.out).findings;
    };
    expect((await findings()).map((f) => [f.node, f.rule, f.fixable])).toEqual([["pick_rate", "myriad/if-both-branches", false]]);
    const frozen = await findings("--freeze", "sr=16000");
    expect(frozen.map((f) => [f.node, f.rule, f.fixable])).toEqual([["pick_rate", "myriad/if-both-branches", true]]);
  });

  it("compile --freeze converts and compiles in one command", async () => {
    const io = memoryIO();
    const blob = join(dir, "vad.blob");
    expect(await runCli(["compile", vadLike(), "-o", blob, "--freeze", "sr=16000", "--compile-tool", FAKE_TOOL], io), io.err).toBe(0);
    expect(io.out).toMatch(/vad\.blob: [\d,]+ bytes, MYRIAD blob version/);
  });

  it("--outputs and --inputs cut the graph before converting", async () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [r] = b.op("Relu", [x]);
    const [n] = b.op("Sigmoid", [r]);
    const [a] = b.op("Abs", [n]);
    b.output(a!);
    const file = join(dir, "chain.onnx");
    saveOnnxFile(b.model(), file);
    const xml = join(dir, "cut.xml");
    expect(await runCli(["convert", file, "-o", xml, "--inputs", r!.name, "--outputs", n!.name], memoryIO())).toBe(0);
    expect(layerTypes(xml)).toEqual(["Parameter", "Sigmoid", "Result"]);
    const io = memoryIO();
    expect(await runCli(["lint", file, "--outputs", "nope"], io)).toBe(2);
    expect(io.err).toBe('myriadc: error: --outputs: the graph has no value "nope" (see `myriadc inspect` for names)\n');
  });

  it("an unknown --freeze input is one usage line, exit 2", async () => {
    const io = memoryIO();
    expect(await runCli(["convert", vadLike(), "-o", join(dir, "z.xml"), "--freeze", "rate=1"], io)).toBe(2);
    expect(io.err).toBe('myriadc: error: --freeze: the model has no input "rate" (inputs: x, sr)\n');
  });

  it("the issue-14 VAD fixture (If on sr, dynamic sizes) converts in one command and runs as onnxruntime does", async () => {
    const fixture = join(REPO_ROOT, "test/fixtures/realworld/vad_sr_if");
    const meta = JSON.parse(readFileSync(join(fixture, "meta.json"), "utf8")) as {
      cli_flags: string;
      inputs: { name: string; file: string }[];
      outputs: { name: string; file: string }[];
    };
    const npy = (path: string) => {
      const a = readNpy(path);
      return Tensor.fromBytes(a.dtype, a.dims, a.data);
    };
    for (const [dataType, within] of [
      ["FP32", withinFp32],
      ["FP16", withinFp16],
    ] as const) {
      const xml = join(dir, "vad", dataType, "vad.xml");
      const c = memoryIO();
      // meta.json's cli_flags, as a user would type them: --freeze sr=16000 and the --input-shapes.
      const convert = ["convert", join(fixture, "model.onnx"), "-o", xml, "--data-type", dataType, ...meta.cli_flags.split(" ")];
      expect(await runCli(convert, c), c.err).toBe(0);
      const out = join(dir, "vad", dataType, "run");
      const feeds = meta.inputs.filter((v) => v.name !== "sr").flatMap((v) => ["--input", `${v.name}=${join(fixture, v.file)}`]);
      const r = memoryIO();
      expect(await runCli(["run", xml, ...feeds, "--output-dir", out], r), r.err).toBe(0);
      for (const v of meta.outputs)
        expect(within(diff(npy(join(out, `${v.name}.npy`)), npy(join(fixture, v.file)))), `${dataType} ${v.name}`).toBe(true);
    }
  });
});
