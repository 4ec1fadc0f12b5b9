/**
 * Where each node of a report graph is drawn. The layered layout itself is dagre's; what this
 * module adds is the split that keeps large graphs fast: the graph (in topological order) is
 * cut into segments where few edges cross, each segment is laid out by dagre on its own and
 * stacked below the previous one, and a segment is laid out only when it is first needed.
 * dagre's longest-path ranking makes a segment's height known before its layout (its longest
 * path), so segments can be placed — and skipped — without laying them out.
 */
import dagre from "@dagrejs/dagre";
import type { ReportGraph, ReportNode } from "../../src/report/report-data.js";

export type DrawnKind = "op" | "input" | "output";

export interface DrawnNode {
  /** "op:<id>", "in:<tensor>", "out:<tensor>". */
  key: string;
  kind: DrawnKind;
  label: string;
  node?: ReportNode;
  /** Tensor name for inputs and outputs. */
  tensor?: string;
  width: number;
  height: number;
  segment: number;
  /** Centre, once its segment is laid out. */
  x: number;
  y: number;
}

export interface DrawnEdge {
  from: DrawnNode;
  to: DrawnNode;
  tensor: string;
  /** Polyline points, once laid out (inside a segment: dagre's route). */
  points?: { x: number; y: number }[];
}

export interface Segment {
  index: number;
  nodes: DrawnNode[];
  /** Edges whose target is in this segment (sources may be in earlier segments). */
  edges: DrawnEdge[];
  top: number;
  height: number;
  width: number;
  laidOut: boolean;
}

export const NODE_HEIGHT = 28;
const RANK_SEP = 26;
const NODE_SEP = 18;
const SEGMENT_GAP = 34;
/** Segments are at least this many nodes (cut where at most one edge crosses) and at most MAX_SEGMENT. */
const MIN_SEGMENT = 24;
const MAX_SEGMENT = 120;

const textWidth = (s: string, px: number) => Math.ceil(s.length * px * 0.6) + 22;

function short(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export class GraphLayout {
  readonly nodes: DrawnNode[] = [];
  readonly edges: DrawnEdge[] = [];
  readonly segments: Segment[] = [];
  readonly byKey = new Map<string, DrawnNode>();
  /** Tensor name → the drawn node producing it. */
  readonly producer = new Map<string, DrawnNode>();

  constructor(readonly graph: ReportGraph) {
    const add = (n: Omit<DrawnNode, "segment" | "x" | "y">): DrawnNode => {
      const d: DrawnNode = { ...n, segment: 0, x: 0, y: 0 };
      this.nodes.push(d);
      this.byKey.set(d.key, d);
      return d;
    };
    for (const t of graph.inputs) {
      const label = short(t.name, 28);
      this.producer.set(
        t.name,
        add({ key: `in:${t.name}`, kind: "input", label, tensor: t.name, width: textWidth(label, 11), height: 22 }),
      );
    }
    for (const n of graph.nodes) {
      const d = add({ key: `op:${n.id}`, kind: "op", label: n.op, node: n, width: Math.max(56, textWidth(n.op, 12)), height: NODE_HEIGHT });
      for (const t of n.outputs) this.producer.set(t.name, d);
    }
    for (const n of graph.nodes) {
      const to = this.byKey.get(`op:${n.id}`)!;
      const seen = new Set<string>();
      for (const t of n.inputs) {
        const from = this.producer.get(t.name);
        if (t.constant || !from || seen.has(from.key)) continue;
        seen.add(from.key);
        this.edges.push({ from, to, tensor: t.name });
      }
    }
    for (const t of graph.outputs) {
      const label = short(t.name, 28);
      const d = add({ key: `out:${t.name}`, kind: "output", label, tensor: t.name, width: textWidth(label, 11), height: 22 });
      const from = this.producer.get(t.name);
      if (from) this.edges.push({ from, to: d, tensor: t.name });
    }
    this.placeSourcesNearUse();
    this.split();
  }

  /**
   * Nodes without drawn inputs (Constant, Identity of a weight) move to just before their first
   * reader: files often list them all first, which would stretch edges across the whole graph.
   */
  private placeSourcesNearUse(): void {
    const fed = new Set(this.edges.map((e) => e.to));
    const readers = new Map<DrawnNode, DrawnNode>();
    for (const e of this.edges) if (!readers.has(e.from)) readers.set(e.from, e.to);
    const moved = new Map<DrawnNode, DrawnNode[]>();
    const order: DrawnNode[] = [];
    for (const n of this.nodes) {
      const reader = n.kind === "op" && !fed.has(n) ? readers.get(n) : undefined;
      if (reader) moved.set(reader, [...(moved.get(reader) ?? []), n]);
    }
    const placed = new Set([...moved.values()].flat());
    const emit = (n: DrawnNode): void => {
      for (const m of moved.get(n) ?? []) emit(m);
      order.push(n);
    };
    for (const n of this.nodes) if (!placed.has(n)) emit(n);
    this.nodes.splice(0, this.nodes.length, ...order);
  }

  /** Cuts the node order into segments where few edges cross; estimates each one's extent. */
  private split(): void {
    const index = new Map(this.nodes.map((n, i) => [n, i]));
    const crossing = new Int32Array(this.nodes.length + 1);
    for (const e of this.edges) {
      const a = index.get(e.from)!;
      const b = index.get(e.to)!;
      if (b > a) {
        crossing[a]! += 1;
        crossing[b]! -= 1;
      }
    }
    for (let i = 1; i < crossing.length; i++) crossing[i]! += crossing[i - 1]!;
    let start = 0;
    const cuts: number[] = [];
    for (let i = 0; i < this.nodes.length; i++) {
      const size = i - start + 1;
      if (size >= MIN_SEGMENT && crossing[i]! <= 1 && this.nodes.length - i > MIN_SEGMENT / 2) {
        cuts.push(i + 1);
        start = i + 1;
      } else if (size >= MAX_SEGMENT) {
        let best = i;
        for (let j = start + MIN_SEGMENT / 2; j <= i; j++) if (crossing[j]! < crossing[best]!) best = j;
        cuts.push(best + 1);
        start = best + 1;
      }
    }
    cuts.push(this.nodes.length);
    let from = 0;
    for (const to of cuts) {
      if (to <= from) continue;
      const seg: Segment = {
        index: this.segments.length,
        nodes: this.nodes.slice(from, to),
        edges: [],
        top: 0,
        height: 0,
        width: 0,
        laidOut: false,
      };
      for (const n of seg.nodes) n.segment = seg.index;
      this.segments.push(seg);
      from = to;
    }
    for (const e of this.edges) this.segments[e.to.segment]!.edges.push(e);
    let top = 0;
    for (const seg of this.segments) {
      seg.top = top;
      seg.height = this.estimateHeight(seg);
      seg.width = Math.max(...seg.nodes.map((n) => n.width));
      top += seg.height + SEGMENT_GAP;
    }
  }

  /** Ranks = the longest path through the segment (entry points from earlier segments included). */
  private estimateHeight(seg: Segment): number {
    const depth = new Map<DrawnNode, number>();
    const entries = seg.edges.some((e) => e.from.segment !== seg.index) ? 1 : 0;
    for (const n of seg.nodes) depth.set(n, 0);
    for (const e of seg.edges) {
      if (e.from.segment !== seg.index) continue;
      depth.set(e.to, Math.max(depth.get(e.to)!, depth.get(e.from)! + 1));
    }
    const ranks = Math.max(...depth.values()) + 1 + entries;
    return ranks * (NODE_HEIGHT + RANK_SEP);
  }

  get height(): number {
    const last = this.segments.at(-1);
    return last ? last.top + last.height : 0;
  }

  get width(): number {
    return Math.max(0, ...this.segments.map((s) => s.width));
  }

  /** Lays a segment out (once); later segments move if its real height differs from the estimate. */
  layoutSegment(index: number): Segment {
    const seg = this.segments[index]!;
    if (seg.laidOut) return seg;
    const g = new dagre.graphlib.Graph({ multigraph: false });
    g.setGraph({ rankdir: "TB", ranksep: RANK_SEP, nodesep: NODE_SEP, ranker: "longest-path", marginx: 0, marginy: 0 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const n of seg.nodes) g.setNode(n.key, { width: n.width, height: n.height });
    // Edges from earlier segments enter through one small port per source, above the segment.
    const ports = new Set<string>();
    const first = seg.nodes[0]!.key;
    for (const e of seg.edges) {
      if (e.from.segment === seg.index) g.setEdge(e.from.key, e.to.key);
      else {
        const port = `port:${e.from.key}`;
        if (!ports.has(port)) {
          ports.add(port);
          g.setNode(port, { width: 1, height: NODE_HEIGHT });
          if (port !== first) g.setEdge(port, first, { weight: 0 });
        }
        g.setEdge(port, e.to.key);
      }
    }
    dagre.layout(g);
    const label = g.graph() as { width?: number; height?: number };
    const width = label.width ?? seg.width;
    const height = label.height ?? seg.height;
    for (const n of seg.nodes) {
      const p = g.node(n.key) as { x: number; y: number };
      n.x = p.x - width / 2;
      n.y = p.y + seg.top;
    }
    for (const e of seg.edges) {
      const from = e.from.segment === seg.index ? e.from.key : `port:${e.from.key}`;
      const pts = (g.edge(from, e.to.key) as { points?: { x: number; y: number }[] } | undefined)?.points ?? [];
      e.points = pts.map((p) => ({ x: p.x - width / 2, y: p.y + seg.top }));
    }
    seg.width = width;
    seg.laidOut = true;
    if (Math.abs(height - seg.height) > 0.5) {
      const shift = height - seg.height;
      seg.height = height;
      for (const later of this.segments.slice(index + 1)) {
        later.top += shift;
        if (later.laidOut) {
          for (const n of later.nodes) n.y += shift;
          for (const e of later.edges) for (const p of e.points ?? []) p.y += shift;
        }
      }
    }
    return seg;
  }

  /** The segments overlapping [top, bottom] (in layout coordinates). */
  segmentsBetween(top: number, bottom: number): Segment[] {
    return this.segments.filter((s) => s.top + s.height >= top && s.top <= bottom);
  }
}
