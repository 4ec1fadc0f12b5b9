/**
 * I64 → I32, as the MYRIAD plugin does on load (ConvertPrecision i64/u64/u32 → i32): integer
 * constants that fit are stored as i32, integer inputs become i32, and ops asked to produce
 * i64 (Convert, ShapeOf, TopK, NonMaxSuppression, Range, …) produce i32. Writing it into the
 * IR makes the model's types the ones the device computes with, and lets the Convert rules
 * see them. Constants outside the I32 range are left alone (lint's myriad/i64-range). A
 * sweep over values (initializers, inputs) more than over nodes, so not a rewrite rule.
 */
import { attr } from "../../../ir/attribute.js";
import type { Model } from "../../../ir/model.js";
import { Tensor } from "../../../ir/tensor.js";
import { tensorType } from "../../../ir/types.js";
import type { Pass, PassResult } from "../../../passes/pass.js";

const WIDE = new Set(["int64", "uint64", "uint32"]);
/** Attributes that name the element type an op produces. */
const TYPE_ATTRIBUTES = ["destination_type", "output_type", "index_element_type", "element_type"];
const WIDE_ELEMENT_TYPES = new Set(["i64", "u64", "u32"]);

export const narrowI64Pass: Pass = {
  name: "narrow-i64",
  reachesFixedPoint: true,
  run(model: Model): PassResult {
    const g = model.graph;
    let changed = false;
    for (const v of [...g.initializers.values()]) {
      const t = v.initializer!;
      if (!WIDE.has(t.dtype)) continue;
      const big = t.toBigInts();
      if (big.some((x) => x < -(2n ** 31n) || x >= 2n ** 31n)) continue;
      const narrowed = Tensor.fromArray(
        "int32",
        t.dims,
        Int32Array.from(big, (x) => Number(x)),
      );
      narrowed.name = t.name;
      v.initializer = narrowed;
      v.type = tensorType("int32", t.dims);
      changed = true;
    }
    for (const v of g.inputs) {
      if (v.isInitializer || !v.dtype || !WIDE.has(v.dtype)) continue;
      v.type = tensorType("int32", v.shape);
      changed = true;
    }
    for (const node of g.nodes) {
      for (const name of TYPE_ATTRIBUTES) {
        const a = node.attribute(name);
        if (a?.type === "string" && WIDE_ELEMENT_TYPES.has(a.value)) {
          node.setAttribute(name, attr.string("i32"));
          changed = true;
        }
      }
    }
    return { changed };
  },
};
