/**
 * The data types inside a MYRIAD network. The plugin of OpenVINO 2022.3 computes in FP16 and
 * I32 only: float tensors run as FP16, and I64/U64/U32/BOOL are narrowed to I32
 * (ConvertPrecision in frontend.cpp); U8 appears at inputs. Its Convert stage accepts six
 * pairs only (stages/convert.cpp). Source: shared/docs/myriadx-target.md §2.
 */
import type { DTypeName } from "../../ir/dtype.js";

export type MyriadType = "FP16" | "I32" | "U8";

const BY_DTYPE: Partial<Record<DTypeName, MyriadType>> = {
  float32: "FP16",
  float16: "FP16",
  float64: "FP16",
  bfloat16: "FP16",
  int64: "I32",
  int32: "I32",
  uint64: "I32",
  uint32: "I32",
  bool: "I32",
  uint8: "U8",
};

/** The type a tensor of `dtype` has on the device, or undefined when MYRIAD has none for it. */
export function myriadTypeOf(dtype: DTypeName | undefined): MyriadType | undefined {
  return dtype ? BY_DTYPE[dtype] : undefined;
}

/** The Convert pairs the MYRIAD Convert stage implements ("Conversion from %v to %v is unsupported" otherwise). */
export const LEGAL_CONVERTS: readonly (readonly [MyriadType, MyriadType])[] = [
  ["U8", "FP16"],
  ["FP16", "I32"],
  ["I32", "FP16"],
  ["I32", "U8"],
  // FP16↔FP32 exist too, but FP32 lives only at the network's inputs and outputs.
];

export function isLegalConvert(from: MyriadType, to: MyriadType): boolean {
  return from === to || LEGAL_CONVERTS.some(([a, b]) => a === from && b === to);
}

/** The shortest chain of legal Converts from `from` to `to` (the types after `from`), or undefined. */
export function convertChain(from: MyriadType, to: MyriadType): MyriadType[] | undefined {
  if (from === to) return [];
  const prev = new Map<MyriadType, MyriadType>([[from, from]]);
  const queue: MyriadType[] = [from];
  while (queue.length) {
    const t = queue.shift()!;
    for (const [a, b] of LEGAL_CONVERTS) {
      if (a !== t || prev.has(b)) continue;
      prev.set(b, t);
      if (b === to) {
        const chain: MyriadType[] = [b];
        for (let k = t; k !== from; k = prev.get(k)!) chain.unshift(k);
        return chain;
      }
      queue.push(b);
    }
  }
  return undefined;
}
