/**
 * A work counter for the linearity test: every collection the IR hands out (a graph's
 * nodes, inputs, outputs; a node's inputs and outputs; a value's uses) adds its length, as
 * if the caller walked it. A pass that rescans the graph for every node makes the count grow
 * with the square of the graph size even when the scan itself is a native `includes`, which
 * a call counter would not see. Costs one addition per access.
 */
let visits = 0;

export function countVisits(n: number): void {
  visits += n;
}

/** Elements handed out since the process started (compare two readings). */
export function irVisits(): number {
  return visits;
}
