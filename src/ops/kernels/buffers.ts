/**
 * Float64 result buffers of one interpreter run, reused once their value is dead. A fresh
 * large typed array costs more than its computation here: the memory comes from the system
 * page by page (each page faults on first touch), and dropped arrays are work for the
 * garbage collector. A run of a network needs the same few sizes over and over (each block
 * of a ResNet repeats its shapes), so a dead tensor's buffer usually fits the next result.
 *
 * Outside a run (constant folding, tests) `newFloat64` is `new Float64Array`. Inside one,
 * buffers are handed out zero-filled, as a new array is; the interpreter gives a buffer back
 * only when no live value views its memory (see interpreter.ts).
 */
import { ndAlloc } from "../ndarray.js";

/** Dead buffers by length, and every buffer this pool handed out (only those come back). */
class BufferPool {
  private readonly free = new Map<number, Float64Array[]>();
  private readonly issued = new WeakSet<Float64Array>();

  take(n: number): Float64Array {
    const reused = this.free.get(n)?.pop();
    if (reused) return reused.fill(0);
    const fresh = ndAlloc("float64", n) as Float64Array;
    this.issued.add(fresh);
    return fresh;
  }

  /** Whether `a` is one of this pool's buffers (a view of part of one is not). */
  owns(a: unknown): a is Float64Array {
    return a instanceof Float64Array && this.issued.has(a);
  }

  give(a: Float64Array): void {
    const list = this.free.get(a.length);
    if (list) list.push(a);
    else this.free.set(a.length, [a]);
  }
}

let active: BufferPool | undefined;

/** A zero-filled Float64Array of n elements: a reused one inside a run, else a new one. */
export function newFloat64(n: number): Float64Array {
  return active ? active.take(n) : (ndAlloc("float64", n) as Float64Array);
}

/** The pool of the run in progress, for the interpreter to give dead buffers back to. */
export interface RunBuffers {
  /** Whether `data` is a whole buffer handed out by this run's `newFloat64`. */
  owns(data: unknown): data is Float64Array;
  /** `data` (which `owns`) is dead: the next `newFloat64` of its length may return it. */
  give(data: Float64Array): void;
}

/** Runs `body` with a fresh pool that `newFloat64` takes from; the pool ends with it. */
export function withRunBuffers<T>(body: (buffers: RunBuffers) => T): T {
  const previous = active;
  const pool = new BufferPool();
  active = pool;
  try {
    return body(pool);
  } finally {
    active = previous;
  }
}
