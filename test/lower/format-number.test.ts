/** How lowered attributes print: float32 attributes in their shortest round-tripping form. */
import { describe, expect, it } from "vitest";
import { formatNumber } from "../../src/lower/context.js";

describe("formatNumber", () => {
  it("prints a float32 attribute as its shortest decimal", () => {
    expect(formatNumber(Math.fround(0.0002))).toBe("0.0002");
    expect(formatNumber(Math.fround(1e-5))).toBe("0.00001");
    expect(formatNumber(Math.fround(-0.75))).toBe("-0.75");
  });
  it("keeps integers and infinities; rounds a double to float32", () => {
    expect(formatNumber(3)).toBe("3");
    expect(formatNumber(-Infinity)).toBe("-Infinity");
    expect(formatNumber(0.1)).toBe("0.1");
    expect(formatNumber(1 / 3)).toBe("0.33333333");
  });
  it("every float32 it prints reads back as the same float32", () => {
    for (let k = 0; k < 2000; k++) {
      const v = Math.fround(Math.sin(k) * 10 ** ((k % 20) - 10));
      expect(Math.fround(Number(formatNumber(v)))).toBe(v);
    }
  });
});
