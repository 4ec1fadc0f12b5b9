/**
 * Runs a pipeline of passes repeatedly until a whole round changes nothing, or an
 * iteration cap is reached (reported, never silent: a cap hit usually means two passes
 * undo each other).
 */
import type { Model } from "../ir/model.js";
import type { Pass } from "./pass.js";

export interface PipelineReport {
  /** Rounds run (a final round that changes nothing is included). */
  rounds: number;
  changed: boolean;
  /** True when the cap stopped the pipeline before it reached a fixed point. */
  hitCap: boolean;
  /** How many rounds each pass changed the model in, and its notes. */
  passes: { name: string; changedRounds: number; notes: string[]; ms: number }[];
}

export interface PipelineOptions {
  maxRounds?: number;
  /** Called after each pass run, e.g. for progress output or verification in tests. */
  afterPass?: (pass: Pass, changed: boolean, model: Model) => void;
}

export function runPipeline(model: Model, passes: readonly Pass[], options: PipelineOptions = {}): PipelineReport {
  const maxRounds = options.maxRounds ?? 20;
  const stats = passes.map((p) => ({ name: p.name, changedRounds: 0, notes: [] as string[], ms: 0 }));
  let rounds = 0;
  let anyChange = false;
  let roundChanged = true;
  while (roundChanged && rounds < maxRounds) {
    roundChanged = false;
    rounds++;
    passes.forEach((pass, i) => {
      const t = performance.now();
      const r = pass.run(model);
      const s = stats[i]!;
      s.ms += performance.now() - t;
      if (r.changed) {
        s.changedRounds++;
        roundChanged = true;
        anyChange = true;
      }
      for (const n of r.notes ?? []) if (!s.notes.includes(n)) s.notes.push(n);
      options.afterPass?.(pass, r.changed, model);
    });
  }
  return { rounds, changed: anyChange, hitCap: roundChanged, passes: stats };
}
