/**
 * The table decoder (proto/table-decoder.ts) builds what protobufjs's reflection decoder builds:
 * the same own fields (presence is what `has` reads), the same values (int64 as Long, bytes,
 * strings), the same defaults when a field is absent, for whole ModelProtos of the corpus and
 * for packed and unpacked repeated scalars; malformed bytes throw where protobufjs throws.
 */
import { readFileSync } from "node:fs";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { protoType } from "../../../src/frontends/onnx/proto/codec.js";
import { decodeWithPlan, messagePlan } from "../../../src/frontends/onnx/proto/table-decoder.js";
import { backendModels, CORPUS_MISSING_MESSAGE, corpusAvailable, zooModels } from "../../support/corpus.js";

/** A decoded message as plain data: own fields only, Longs as strings, bytes as arrays. */
function plain(x: unknown): unknown {
  if (x === null || typeof x !== "object") return x;
  if (x instanceof Uint8Array) return { bytes: Array.from(x) };
  if (Array.isArray(x)) return x.map(plain);
  if ("low" in x && "high" in x && "unsigned" in x) return { long: String(x) };
  return Object.fromEntries(
    Object.keys(x)
      .sort()
      .map((k) => [k, plain((x as Record<string, unknown>)[k])]),
  );
}

const byTable = (name: string, bytes: Uint8Array) => decodeWithPlan(protobuf.Reader.create(bytes), bytes.byteLength, messagePlan(name));
const byProtobufjs = (name: string, bytes: Uint8Array) => protoType(name).decode(bytes);

describe("the table decoder", () => {
  it("reads a field's default from the prototype when the field is absent, and owns only what the bytes hold", () => {
    const bytes = protoType("TensorProto")
      .encode({ name: "w", dims: [2, 3] })
      .finish();
    const m = byTable("TensorProto", bytes);
    const ref = byProtobufjs("TensorProto", bytes) as unknown as Record<string, unknown>;
    expect(plain(m)).toEqual(plain(ref));
    expect(Object.hasOwn(m, "data_type")).toBe(false);
    expect(m.data_type).toBe(0);
    expect(String(m.dims)).toBe("2,3");
    expect(Object.hasOwn(m, "float_data") && (m.float_data as unknown[]).length).toBe(0);
  });

  it("reads repeated scalars packed and unpacked", () => {
    // TensorProto.dims (field 1) as three plain varints, then float_data (field 4) packed.
    const bytes = Uint8Array.from([0x08, 2, 0x08, 3, 0x08, 4, 0x22, 8, 0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]);
    expect(plain(byTable("TensorProto", bytes))).toEqual(plain(byProtobufjs("TensorProto", bytes)));
    expect(byTable("TensorProto", bytes).float_data).toEqual([1, 2]);
  });

  it("throws where protobufjs throws: a varint cut short, a nested message running past the end", () => {
    for (const [name, bytes] of [
      ["TensorProto", Uint8Array.from([0x08, 2, 0x08])],
      ["NodeProto", Uint8Array.from([0x2a, 10, 0x0a, 1, 0x61])],
    ] as const) {
      expect(() => byProtobufjs(name, bytes)).toThrow();
      expect(() => byTable(name, bytes)).toThrow();
    }
  });

  const models = corpusAvailable ? [...zooModels(), ...backendModels("node").filter((_, i) => i % 9 === 0)] : [];
  if (!corpusAvailable) it.skip(`corpus models: ${CORPUS_MISSING_MESSAGE}`, () => {});
  it.each(models.map((m) => [m.id, m.model] as const))("decodes %s as protobufjs does", (_, file) => {
    const bytes = readFileSync(file);
    expect(plain(byTable("ModelProto", bytes))).toEqual(plain(byProtobufjs("ModelProto", bytes)));
  });
});
