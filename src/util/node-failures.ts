/** Nodes a step could not handle, each with the reason, and the one way they are listed in a message. */

export interface NodeFailure {
  /** The node's name ("" for an unnamed one). */
  node: string;
  /** Its op, qualified by domain when not ONNX's default. */
  op: string;
  reason: string;
}

/** `node "a" (Op): reason; node "b" (Op): reason; and 3 more` — the first `limit` in full. */
export function formatNodeFailures(failures: readonly NodeFailure[], limit = 8): string {
  const list = failures
    .slice(0, limit)
    .map((f) => `node ${JSON.stringify(f.node)} (${f.op}): ${f.reason}`)
    .join("; ");
  return failures.length > limit ? `${list}; and ${failures.length - limit} more` : list;
}
