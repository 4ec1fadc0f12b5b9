/**
 * The rewrite driver. Every node of the graph and of its nested graphs goes on a worklist
 * once; each is offered to the rules for its op type, in order, and the first rule that
 * matches and passes its check rewrites it. A rewrite puts back on the list only what it
 * may have changed for the rules: the nodes it created or touched, the node itself when it
 * stays, the readers of the outputs involved and the producers of inputs that lost a reader.
 * So one run reaches the rules' fixed point with work proportional to the nodes and edges
 * the rewrites involve, never a second sweep over the whole graph.
 */
import type { Graph } from "../../ir/graph.js";
import type { Node } from "../../ir/node.js";
import type { Value } from "../../ir/value.js";
import { RewriteContext } from "./context.js";
import { graphFacts, type ValueFacts } from "./facts.js";
import type { Replacement, RewriteRule } from "./rule.js";

export interface SkippedNode {
  readonly node: Node;
  readonly rule: string;
  /** The rule's check (or its declining rewrite): why this node was left as it is. */
  readonly reason: string;
}

export interface RewriteReport {
  /** Rewrites done, by rule name (rules that did nothing are absent). */
  readonly counts: ReadonlyMap<string, number>;
  readonly rewrites: number;
  /** Nodes still in the graph that a rule matched but could not rewrite, in the order first met. */
  readonly skipped: readonly SkippedNode[];
  /** True when the run stopped at its rewrite budget (rules that undo each other). */
  readonly hitLimit: boolean;
}

export interface RewriteOptions {
  /** How rules see value types and constants; by default the values' own. */
  readonly facts?: ValueFacts;
}

/** Hands each old output's readers (and graph-output name) to its replacement and drops the node. */
export function replaceNode(node: Node, outs: readonly (Value | undefined)[]): void {
  const g = node.graph!;
  node.outputs.forEach((v, i) => {
    const r = outs[i];
    if (!v || !r) return;
    r.type ??= v.type;
    g.replaceValue(v, r);
  });
  g.removeNode(node, { force: true });
}

/**
 * A FIFO of nodes, each present at most once. Membership is a mark on the node (`queuedIn`)
 * rather than a Set of every node in the graph; a node another live worklist has marked is
 * tracked in a Set of this one's own.
 */
class Worklist {
  private readonly items: Node[] = [];
  private head = 0;
  private readonly alsoQueued = new Set<Node>();

  private has(node: Node): boolean {
    return node.queuedIn === this || this.alsoQueued.has(node);
  }

  push(node: Node | undefined): void {
    if (!node || this.has(node)) return;
    if (node.queuedIn === undefined) node.queuedIn = this;
    else this.alsoQueued.add(node);
    this.items.push(node);
  }

  /** A node and, depth-first, every node of its subgraphs. */
  pushTree(node: Node): void {
    this.push(node);
    for (const sg of node.subgraphs()) for (const inner of sg.allNodes()) this.push(inner);
  }

  pop(): Node | undefined {
    if (this.head === this.items.length) return undefined;
    const n = this.items[this.head++]!;
    if (n.queuedIn === this) n.queuedIn = undefined;
    else this.alsoQueued.delete(n);
    // Drop consumed entries now and then so a long run does not hold every node twice.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return n;
  }

  /** Unmarks what is still queued (a run that stops early must not leave marks behind). */
  clear(): void {
    while (this.pop());
  }
}

function rulesByOp(rules: readonly RewriteRule[]): (opType: string) => readonly RewriteRule[] {
  const cache = new Map<string, RewriteRule[]>();
  return (opType) => {
    let list = cache.get(opType);
    if (!list) {
      list = rules.filter((r) => !r.opTypes || r.opTypes.includes(opType));
      cache.set(opType, list);
    }
    return list;
  };
}

const readersOf = (node: Node): Node[] => node.outputs.flatMap((v) => (v ? v.uses.map((u) => u.node) : []));
const producersOf = (node: Node): (Node | undefined)[] => node.inputs.map((v) => v?.producer);

export function rewriteGraph(graph: Graph, rules: readonly RewriteRule[], options: RewriteOptions = {}): RewriteReport {
  const facts = options.facts ?? graphFacts;
  const candidates = rulesByOp(rules);
  const work = new Worklist();
  let total = 0;
  for (const n of graph.allNodes()) {
    work.push(n);
    total++;
  }
  // Generous: a node is rewritten a few times at most (MaxPool-8 → MaxPool-1 → 2-D); more means a loop.
  const budget = 16 * total + 64;
  const counts = new Map<string, number>();
  const skips = new Map<Node, SkippedNode[]>();
  let rewrites = 0;
  let hitLimit = false;
  for (let node = work.pop(); node; node = work.pop()) {
    const g = node.graph;
    if (!g) continue; // removed by an earlier rewrite
    skips.delete(node); // reasons from an earlier visit may no longer hold
    for (const rule of candidates(node.opType)) {
      const m = rule.match(node, facts);
      if (m === undefined) continue;
      const why = rule.check?.(node, m, facts);
      const skip = (reason: string) => {
        const list = skips.get(node!);
        if (list) list.push({ node: node!, rule: rule.name, reason });
        else skips.set(node!, [{ node: node!, rule: rule.name, reason }]);
      };
      if (why !== undefined) {
        skip(why);
        continue;
      }
      const before = { producers: producersOf(node), readers: readersOf(node) };
      const ctx = new RewriteContext(node, g, facts);
      const r: Replacement | string = rule.rewrite(node, m, ctx);
      if (typeof r === "string") {
        if (ctx.built) throw new Error(`rewrite rule ${rule.name} declined ${node.describe()} after changing the graph`);
        skip(r);
        continue;
      }
      if ("replaceWith" in r) replaceNode(node, r.replaceWith);
      rewrites++;
      counts.set(rule.name, (counts.get(rule.name) ?? 0) + 1);
      requeue(work, node, ctx, before);
      break;
    }
    if (rewrites >= budget) {
      hitLimit = true;
      break;
    }
  }
  work.clear();
  const skipped = [...skips.values()].flat().filter((s) => s.node.graph !== undefined);
  return { counts, rewrites, skipped, hitLimit };
}

/** What a rewrite may have changed for the rules, back on the list. */
function requeue(work: Worklist, node: Node, ctx: RewriteContext, before: { producers: (Node | undefined)[]; readers: Node[] }): void {
  for (const n of ctx.created) work.pushTree(n);
  const changed = [...ctx.touched, ...ctx.created];
  if (node.graph) changed.push(node);
  for (const n of changed) {
    work.push(n);
    for (const r of readersOf(n)) work.push(r);
    for (const p of producersOf(n)) work.push(p);
  }
  for (const r of before.readers) work.push(r);
  for (const p of before.producers) work.push(p);
  for (const p of ctx.removedProducers) work.push(p);
}
