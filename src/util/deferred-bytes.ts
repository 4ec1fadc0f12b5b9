/**
 * Bytes that stay in their file until something needs them: the large weights of a model file
 * (load-model.ts leaves them unread). `fix` then copies them from the input to the output
 * through one small buffer, and never holds them: reading 47 MB into fresh memory costs more
 * than the copy itself (the kernel faults in every page). Whoever needs the values calls
 * `bytes()`, which reads them once and keeps them.
 *
 * Outputs are written as pieces (`Piece`): buffers, or deferred bytes copied when written.
 */

export interface DeferredBytes {
  readonly byteLength: number;
  /** The bytes when they have been read (by `bytes()`), else undefined. */
  readonly loaded: Uint8Array | undefined;
  /** The bytes, read on the first call and kept (every later call, from any tensor, shares them). */
  bytes(): Uint8Array;
  /** Copies bytes [from, from + into.byteLength) into `into`, without keeping them. */
  copyTo(into: Uint8Array, from: number): void;
}

/** Part of an output: bytes in memory, or bytes copied from a file when written. */
export type Piece = Uint8Array | DeferredBytes;

export function isDeferred(p: Piece): p is DeferredBytes {
  return !(p instanceof Uint8Array);
}

/** The bytes a piece holds in memory, when it does (a buffer, or deferred bytes already read). */
export function pieceInMemory(p: Piece): Uint8Array | undefined {
  return p instanceof Uint8Array ? p : p.loaded;
}

/** Copies bytes [from, from + into.byteLength) of a piece into `into`. */
export function copyPiece(p: Piece, into: Uint8Array, from: number): void {
  const b = pieceInMemory(p);
  if (b) into.set(b.subarray(from, from + into.byteLength));
  else (p as DeferredBytes).copyTo(into, from);
}

export function piecesLength(pieces: readonly Piece[]): number {
  let n = 0;
  for (const p of pieces) n += p.byteLength;
  return n;
}

/** The pieces as one buffer (no copy when there is one piece in memory). */
export function concatPieces(pieces: readonly Piece[]): Uint8Array {
  if (pieces.length === 1) {
    const only = pieceInMemory(pieces[0]!);
    if (only) return only;
  }
  const out = new Uint8Array(piecesLength(pieces));
  let at = 0;
  for (const p of pieces) {
    copyPiece(p, out.subarray(at, at + p.byteLength), 0);
    at += p.byteLength;
  }
  return out;
}
