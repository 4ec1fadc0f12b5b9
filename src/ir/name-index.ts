/**
 * The names in use across a graph tree (value names, or node names), answering "is it
 * taken?" and "the first free `base`, `base_1`, `base_2`, … " without scanning the tree.
 *
 * Names are counted, because node names (and value names in sibling scopes) may repeat.
 * For each base the index remembers how far the `base_<i>` suffixes are known to be taken,
 * and moves that mark back when one of them is freed, so `fresh` returns exactly the name a
 * full scan from `_1` upwards would, while a loop asking for the same base n times stays
 * O(n) instead of O(n²).
 */
export class NameIndex {
  private readonly counts = new Map<string, number>();
  /** base → i such that base_1 … base_(i-1) are all taken. */
  private readonly takenBelow = new Map<string, number>();

  has(name: string): boolean {
    return this.counts.has(name);
  }

  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  remove(name: string): void {
    const n = this.counts.get(name);
    if (n === undefined) return;
    if (n > 1) {
      this.counts.set(name, n - 1);
      return;
    }
    this.counts.delete(name);
    const split = splitSuffix(name);
    if (!split) return;
    const mark = this.takenBelow.get(split.base);
    if (mark !== undefined && split.suffix < mark) this.takenBelow.set(split.base, split.suffix);
  }

  /** `base` when free, else `base_<i>` for the smallest free i ≥ 1 (not reserved: add it when used). */
  fresh(base: string): string {
    if (!this.counts.has(base)) return base;
    let i = this.takenBelow.get(base) ?? 1;
    while (this.counts.has(`${base}_${i}`)) i++;
    this.takenBelow.set(base, i);
    return `${base}_${i}`;
  }
}

/** `x_12` → { base: "x", suffix: 12 }; only the spelling `fresh` produces (no sign, no leading zero). */
function splitSuffix(name: string): { base: string; suffix: number } | undefined {
  const at = name.lastIndexOf("_");
  if (at < 0 || at === name.length - 1) return undefined;
  const digits = name.slice(at + 1);
  if (digits[0] === "0" || !/^\d+$/.test(digits)) return undefined;
  return { base: name.slice(0, at), suffix: Number(digits) };
}
