/** Ways to corrupt a model's bytes, for the property tests that the loaders never crash. */
import fc from "fast-check";

/** Up to 8 bytes xored with one non-zero value; `at` are positions, taken modulo what the test corrupts. */
export const byteFlips = fc.record({
  kind: fc.constant("flip" as const),
  at: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
  xor: fc.integer({ min: 1, max: 255 }),
});

/** The bytes cut at `at[0]` (modulo what the test cuts). */
export const truncation = fc.record({
  kind: fc.constant("truncate" as const),
  at: fc.array(fc.nat(), { minLength: 1, maxLength: 1 }),
  xor: fc.constant(0),
});
