/**
 * Runs a pipeline of passes to a fixed point. A pass runs again only when another pass has
 * changed the model since it last ran (or, for a pass that does not reach its own fixed
 * point in one run, when it changed the model itself), so the last round is not a full
 * sweep that changes nothing. Consecutive rewrite passes run as one driver run over all
 * their rules: when a rewrite of one makes work for another (a no-op Reshape becomes an
 * Identity, which goes), the driver's worklist handles it without another round. The cap on
 * rounds is reported, never silent: hitting it usually means two passes undo each other.
 */
import type { Model } from "../ir/model.js";
import type { Pass, PassResult } from "./pass.js";
import { rewriteGraph } from "./rewrite/engine.js";
import { isRewritePass, type RewritePass } from "./rewrite/pass.js";

export interface PassStats {
  name: string;
  /** Rounds in which the pass changed the model. */
  changedRounds: number;
  /** Changes it made over all rounds (rewrites, for a rewrite pass; else the rounds it changed something in). */
  changes: number;
  /** The notes of the pass's latest run. */
  notes: string[];
  ms: number;
}

export interface PipelineReport {
  /** Rounds run: sweeps over the pipeline in which at least one pass ran. */
  rounds: number;
  changed: boolean;
  /** True when the cap stopped the pipeline before it reached a fixed point. */
  hitCap: boolean;
  /** Per pass, in pipeline order. */
  passes: PassStats[];
}

export interface PipelineOptions {
  maxRounds?: number;
  /** Called after each pass run, e.g. for progress output or verification in tests. */
  afterPass?: (pass: Pass, changed: boolean, model: Model) => void;
}

/** One unit the manager runs: a plain pass, or consecutive rewrite passes sharing one driver run. */
interface Step {
  readonly passes: readonly Pass[];
  /** Indexes of `passes` in the pipeline. */
  readonly first: number;
  readonly reachesFixedPoint: boolean;
  run(model: Model): PassResult[];
}

function plainStep(pass: Pass, index: number): Step {
  return { passes: [pass], first: index, reachesFixedPoint: pass.reachesFixedPoint === true, run: (m) => [pass.run(m)] };
}

function rewriteStep(passes: readonly RewritePass[], first: number): Step {
  if (passes.length === 1) return plainStep(passes[0]!, first);
  const owner = new Map<string, number>();
  for (const [i, p] of passes.entries()) {
    for (const r of p.rules) {
      if (owner.has(r.name)) throw new Error(`rewrite rule ${r.name} appears twice in one pipeline`);
      owner.set(r.name, i);
    }
  }
  const rules = passes.flatMap((p) => p.rules);
  return {
    passes,
    first,
    reachesFixedPoint: true,
    run(model) {
      const report = rewriteGraph(model.graph, rules);
      return passes.map((p, i) => {
        let changes = 0;
        for (const [rule, n] of report.counts) if (owner.get(rule) === i) changes += n;
        const notes = p.notesFor(report.skipped.filter((s) => owner.get(s.rule) === i));
        if (report.hitLimit && i === 0) notes.push(`stopped after ${report.rewrites} rewrites: two rules undo each other`);
        return { changed: changes > 0, changes, notes };
      });
    },
  };
}

function stepsOf(passes: readonly Pass[]): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < passes.length; ) {
    let j = i;
    while (j < passes.length && isRewritePass(passes[j]!)) j++;
    if (j > i) {
      steps.push(rewriteStep(passes.slice(i, j) as RewritePass[], i));
      i = j;
    } else {
      steps.push(plainStep(passes[i]!, i));
      i++;
    }
  }
  return steps;
}

export function runPipeline(model: Model, passes: readonly Pass[], options: PipelineOptions = {}): PipelineReport {
  const maxRounds = options.maxRounds ?? 20;
  const stats: PassStats[] = passes.map((p) => ({ name: p.name, changedRounds: 0, changes: 0, notes: [], ms: 0 }));
  const steps = stepsOf(passes);
  // A step is pending until it has run with nothing changed since.
  const pending = steps.map(() => true);
  let rounds = 0;
  let anyChange = false;
  while (pending.some(Boolean) && rounds < maxRounds) {
    rounds++;
    steps.forEach((step, k) => {
      if (!pending[k]) return;
      const t = performance.now();
      const results = step.run(model);
      // A shared driver run's time is split evenly between its passes.
      const ms = (performance.now() - t) / results.length;
      pending[k] = false;
      let stepChanged = false;
      results.forEach((r, i) => {
        const s = stats[step.first + i]!;
        s.ms += ms;
        if (r.changed) {
          s.changedRounds++;
          s.changes += r.changes ?? 1;
          stepChanged = true;
        }
        // The latest run's notes: what an earlier run could not do, a later one may have done.
        s.notes = [...new Set(r.notes ?? [])];
        options.afterPass?.(step.passes[i]!, r.changed, model);
      });
      if (!stepChanged) return;
      anyChange = true;
      steps.forEach((_, j) => {
        if (j !== k || !step.reachesFixedPoint) pending[j] = true;
      });
    });
  }
  return { rounds, changed: anyChange, hitCap: pending.some(Boolean), passes: stats };
}
