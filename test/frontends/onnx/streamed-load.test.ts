/**
 * Loading streams the graph (nodes decoded one at a time, most finished at once): on every
 * corpus model it must build exactly what decoding the whole file first builds — the same
 * model, the same encoding, the same use-list order, the same warnings — and must not fall
 * back to the whole decode for well-formed files (else the test above proves nothing).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadDecoded, loadStreamed } from "../../../src/frontends/onnx/load.js";
import { encodeOnnx } from "../../../src/frontends/onnx/save.js";
import type { Graph } from "../../../src/ir/graph.js";
import { Node } from "../../../src/ir/node.js";
import { MyriadcError } from "../../../src/util/errors.js";
import { GraphBuilder } from "../../support/build.js";
import { backendModels, CORPUS_MISSING_MESSAGE, corpusAvailable, lightModels, zooModels } from "../../support/corpus.js";
import { dumpModel } from "../../support/model-dump.js";

/** Who reads each value, in use-list order, by node position and input slot, in every graph. */
function useLists(g: Graph): string[] {
  const position = new Map<Node, number>();
  g.nodes.forEach((n, i) => {
    position.set(n, i);
  });
  const out: string[] = [];
  for (const v of g.values()) out.push(`${v.name}: ${v.uses.map((u) => `${position.get(u.node) ?? "inner"}.${u.index}`).join(" ")}`);
  for (const n of g.nodes) for (const sg of n.subgraphs()) out.push(...useLists(sg));
  return out;
}

describe("the streamed load", () => {
  it("builds what the whole decode builds, out-of-order nodes and attributes included", () => {
    const b = new GraphBuilder(13);
    const x = b.input("x", "float32", [2, 3]);
    const [y] = b.op("Relu", [x]);
    const [z] = b.op("Transpose", [y], { perm: { type: "ints", value: [1n, 0n] } });
    b.output(z!);
    const m = b.model();
    const bytes = encodeOnnx(m);
    const streamed = loadStreamed(bytes, "m.onnx");
    expect(streamed).toBeDefined();
    // Nodes without attributes get no attribute map: they share the empty one (until something asks for `attributes`).
    const relu = streamed!.model.graph.nodes[0]!;
    expect(relu.attributeMap).toBe(new Node({ opType: "Relu" }).attributeMap);
    expect(streamed!.model.graph.nodes[1]!.attributeMap.size).toBe(1);
    expect(dumpModel(streamed!.model)).toEqual(dumpModel(loadDecoded(bytes, "m.onnx").model));
    // Out of order: the reader comes first, so it waits for phase 2, and so does the rest.
    const order = [...m.graph.nodes].reverse();
    m.graph.reorderNodes(order);
    const reversed = encodeOnnx(m);
    const a = loadStreamed(reversed, "r.onnx")!;
    const d = loadDecoded(reversed, "r.onnx");
    expect(dumpModel(a.model)).toEqual(dumpModel(d.model));
    expect(a.warnings).toEqual(d.warnings);
    expect(a.warnings.join()).toMatch(/not in topological order/);
  });

  it("leaves corrupt files to the whole decode, which reports them", () => {
    const bytes = encodeOnnx(new GraphBuilder(13).model());
    const truncated = bytes.subarray(0, bytes.byteLength - 3);
    expect(loadStreamed(truncated, "t.onnx")).toBeUndefined();
    expect(() => loadDecoded(truncated, "t.onnx")).toThrow(MyriadcError);
  });

  it.skipIf(!corpusAvailable)("agrees with the whole decode on the zoo, light and node-test models", () => {
    let compared = 0;
    for (const c of [...zooModels(), ...lightModels(), ...backendModels("node")]) {
      const bytes = readFileSync(c.model);
      let whole: ReturnType<typeof loadDecoded>;
      try {
        whole = loadDecoded(bytes, c.model);
      } catch (e) {
        if (!(e instanceof MyriadcError)) throw e;
        expect(loadStreamed(bytes, c.model)).toBeUndefined();
        continue;
      }
      const streamed = loadStreamed(bytes, c.model);
      expect(streamed, c.model).toBeDefined();
      expect(dumpModel(streamed!.model)).toEqual(dumpModel(whole.model));
      expect(useLists(streamed!.model.graph)).toEqual(useLists(whole.model.graph));
      expect(streamed!.warnings).toEqual(whole.warnings);
      expect(Buffer.compare(Buffer.from(encodeOnnx(streamed!.model)), Buffer.from(encodeOnnx(whole.model)))).toBe(0);
      compared++;
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

if (!corpusAvailable) console.warn(`SKIP: ${CORPUS_MISSING_MESSAGE}`);
