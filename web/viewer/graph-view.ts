/**
 * One graph drawn as SVG with pan (drag) and zoom (wheel, buttons). Small graphs are laid out
 * and drawn whole; large ones draw only the segments in view (plus a margin) and lay the
 * others out when they scroll in, so a 5,000-node model opens as fast as a small one.
 */
import type { ReportGraph } from "../../src/report/report-data.js";
import { el, svg } from "./dom.js";
import { type DrawnEdge, type DrawnNode, GraphLayout, type Segment } from "./layout.js";

/** Up to this many nodes a graph is laid out and drawn whole when it opens. */
const DRAW_ALL_BELOW = 1500;

export class GraphView {
  readonly layout: GraphLayout;
  readonly element: HTMLElement;
  private readonly svgRoot: SVGSVGElement;
  private readonly scene: SVGGElement;
  private readonly drawn = new Map<number, SVGGElement>();
  private readonly nodeElements = new Map<string, SVGGElement>();
  private scale = 1;
  private tx = 0;
  private ty = 0;
  private selected: string | undefined;
  private frame = 0;
  readonly drawAll: boolean;

  constructor(
    readonly graph: ReportGraph,
    private readonly onSelect: (node: DrawnNode) => void,
  ) {
    this.layout = new GraphLayout(graph);
    this.drawAll = this.layout.nodes.length < DRAW_ALL_BELOW;
    this.svgRoot = svg("svg", { class: "graph-svg" });
    this.scene = svg("g", {});
    this.svgRoot.append(svg("defs", {}, [arrowMarker()]), this.scene);
    this.element = el("div", { class: "graph-view", "data-graph": graph.id }, [this.svgRoot]);
    this.bindPanZoom();
  }

  /** Call once the element is in the document (sizes are known). */
  start(): void {
    if (this.drawAll) for (const s of this.layout.segments) this.layout.layoutSegment(s.index);
    const box = this.element.getBoundingClientRect();
    const w = box.width || 800;
    // Whole width in view (never enlarged), the top of the graph at the top.
    this.scale = Math.min(1, (w - 40) / Math.max(1, this.layout.width));
    this.tx = w / 2;
    this.ty = 20;
    this.render();
  }

  /** Everything in view: scale to fit the whole graph. */
  fit(): void {
    for (const s of this.layout.segments) this.layout.layoutSegment(s.index);
    const box = this.element.getBoundingClientRect();
    const w = box.width || 800;
    const h = box.height || 600;
    this.scale = Math.min(1, (w - 40) / Math.max(1, this.layout.width), (h - 40) / Math.max(1, this.layout.height));
    this.tx = w / 2;
    this.ty = 20;
    this.render();
  }

  zoom(factor: number, cx?: number, cy?: number): void {
    const box = this.element.getBoundingClientRect();
    const x = cx ?? box.width / 2;
    const y = cy ?? box.height / 2;
    const next = Math.min(4, Math.max(0.02, this.scale * factor));
    this.tx = x - ((x - this.tx) * next) / this.scale;
    this.ty = y - ((y - this.ty) * next) / this.scale;
    this.scale = next;
    this.schedule();
  }

  /** Brings a node into view (laying its segment out first) and marks it selected. */
  reveal(key: string): void {
    const n = this.layout.byKey.get(key);
    if (!n) return;
    this.layout.layoutSegment(n.segment);
    const box = this.element.getBoundingClientRect();
    if (this.scale < 0.5) this.scale = 0.8;
    this.tx = (box.width || 800) / 2 - n.x * this.scale;
    this.ty = (box.height || 600) / 2 - n.y * this.scale;
    this.render();
    this.select(key);
  }

  select(key: string | undefined): void {
    if (this.selected) this.nodeElements.get(this.selected)?.classList.remove("selected");
    this.selected = key;
    if (key) this.nodeElements.get(key)?.classList.add("selected");
  }

  /** Number of op nodes in the document (what the tests count). */
  drawnOps(): number {
    return this.svgRoot.querySelectorAll("g.node.op").length;
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private visibleSegments(): Segment[] {
    if (this.drawAll) return this.layout.segments;
    const box = this.element.getBoundingClientRect();
    const h = box.height || 600;
    const margin = h / this.scale / 2;
    return this.layout.segmentsBetween(-this.ty / this.scale - margin, (h - this.ty) / this.scale + margin);
  }

  private render(): void {
    this.scene.setAttribute("transform", `translate(${this.tx},${this.ty}) scale(${this.scale})`);
    const wanted = new Set<number>();
    for (const seg of this.visibleSegments()) {
      wanted.add(seg.index);
      if (this.drawn.has(seg.index)) continue;
      this.layout.layoutSegment(seg.index);
      const g = this.drawSegment(seg);
      this.drawn.set(seg.index, g);
      this.scene.append(g);
    }
    for (const [i, g] of this.drawn) {
      if (wanted.has(i)) continue;
      g.remove();
      this.drawn.delete(i);
      for (const n of this.layout.segments[i]!.nodes) this.nodeElements.delete(n.key);
    }
    if (this.selected) this.select(this.selected);
    this.element.dataset.drawnNodes = String(this.drawnOps());
  }

  private drawSegment(seg: Segment): SVGGElement {
    const g = svg("g", { class: "segment", "data-segment": String(seg.index) });
    for (const e of seg.edges) {
      const path = this.edgePath(e);
      if (path) g.append(svg("path", { class: "edge", d: path, "marker-end": "url(#arrow)" }, [svg("title", {}, [e.tensor])]));
    }
    for (const n of seg.nodes) {
      const node = this.drawNode(n);
      this.nodeElements.set(n.key, node);
      g.append(node);
    }
    return g;
  }

  private edgePath(e: DrawnEdge): string | undefined {
    const pts = [...(e.points ?? [])];
    if (e.from.segment !== e.to.segment) {
      // From an earlier segment: straight down from the producer to this segment's entry port.
      if (!this.layout.segments[e.from.segment]!.laidOut) this.layout.layoutSegment(e.from.segment);
      pts.unshift({ x: e.from.x, y: e.from.y + e.from.height / 2 });
    }
    if (pts.length < 2) return undefined;
    return `M${pts.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" L")}`;
  }

  private drawNode(n: DrawnNode): SVGGElement {
    const severity = n.node?.severity;
    const cls = ["node", n.kind, severity ? `severity-${severity}` : "", n.node ? `op-${category(n.node.op)}` : ""]
      .filter(Boolean)
      .join(" ");
    const g = svg("g", {
      class: cls,
      "data-key": n.key,
      ...(n.node ? { "data-name": n.node.name } : {}),
      transform: `translate(${(n.x - n.width / 2).toFixed(1)},${(n.y - n.height / 2).toFixed(1)})`,
    });
    const radius = n.kind === "op" ? 5 : n.height / 2;
    g.append(
      svg("rect", { width: String(n.width), height: String(n.height), rx: String(radius) }),
      svg("text", { x: String(n.width / 2), y: String(n.height / 2 + 4), "text-anchor": "middle" }, [n.label]),
      svg("title", {}, [n.node ? `${n.node.name || "(unnamed)"} — ${n.node.op}` : (n.tensor ?? "")]),
    );
    g.addEventListener("click", (ev) => {
      ev.stopPropagation();
      this.select(n.key);
      this.onSelect(n);
    });
    return g;
  }

  private bindPanZoom(): void {
    let drag: { x: number; y: number; tx: number; ty: number } | undefined;
    this.element.addEventListener("pointerdown", (ev) => {
      if ((ev.target as Element).closest("g.node")) return;
      drag = { x: ev.clientX, y: ev.clientY, tx: this.tx, ty: this.ty };
      this.element.setPointerCapture(ev.pointerId);
      this.element.classList.add("dragging");
    });
    this.element.addEventListener("pointermove", (ev) => {
      if (!drag) return;
      this.tx = drag.tx + ev.clientX - drag.x;
      this.ty = drag.ty + ev.clientY - drag.y;
      this.schedule();
    });
    const end = () => {
      drag = undefined;
      this.element.classList.remove("dragging");
    };
    this.element.addEventListener("pointerup", end);
    this.element.addEventListener("pointercancel", end);
    this.element.addEventListener(
      "wheel",
      (ev) => {
        ev.preventDefault();
        const box = this.element.getBoundingClientRect();
        // The wheel zooms around the pointer; with Shift it scrolls.
        if (ev.shiftKey) {
          this.ty -= ev.deltaY || ev.deltaX;
          this.schedule();
        } else this.zoom(Math.exp(-ev.deltaY / 400), ev.clientX - box.left, ev.clientY - box.top);
      },
      { passive: false },
    );
  }
}

/** A colour family per kind of op, for orientation only. */
function category(op: string): string {
  if (/Conv|Gemm|MatMul|LSTM|GRU|RNN/.test(op)) return "compute";
  if (/Relu|Sigmoid|Clip|Clamp|Swish|HSwish|HardSigmoid|Tanh|Elu|Gelu|Mish|Softmax|PRelu|Exp|Log/.test(op)) return "activation";
  if (/Pool|Reduce|Norm|MVN/.test(op)) return "reduce";
  if (
    /Reshape|Transpose|Concat|Split|Slice|Squeeze|Unsqueeze|Flatten|Gather|Shape|Pad|Tile|Expand|StridedSlice|Interpolate|Resize/.test(op)
  )
    return "shape";
  return "other";
}

function arrowMarker(): SVGElement {
  return svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "9", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto" }, [
    svg("path", { d: "M0,0 L10,5 L0,10 z", class: "arrow" }),
  ]);
}
