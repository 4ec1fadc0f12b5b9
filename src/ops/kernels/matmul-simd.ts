/**
 * The GEMM's 4×4 tile as a WebAssembly SIMD function: two f64 lanes per instruction, 8
 * vector accumulators that stay in registers. Lane arithmetic is IEEE double with no fused
 * multiply-add, and each accumulator still takes c ← c + a·b in increasing k, so results are
 * bit-identical to the scalar tile in matmul.ts (tests compare both with the triple loop).
 * The tile adds onto C (which the caller zeroes first), so a long K can be cut into blocks
 * that stay in the L1 cache: a partial sum stored as a double and reloaded is the same sum.
 *
 * The module also holds two loops over the data around the GEMM, which JavaScript runs several
 * times slower: FP16 weights decoded to doubles, and the float16 rounding of a convolution's
 * result with its bias and ReLU (rounding.ts). Both give exactly the JavaScript definitions'
 * values (tests compare every float16 pattern and a wide sample of float32 ones).
 *
 * The module is a few hundred bytes, assembled below from named opcodes (the WebAssembly
 * binary format: a header, then type, import, function, export and code sections). It works
 * on one shared linear memory that callers lay A, the packed panels and C out in (and the data
 * of the loops, which therefore never run while a GEMM is in progress).
 */

/**
 * tiles(a, aRowBytes, b, k, c, cRowBytes, rowTiles, panels, panelBytes): for every 4-row strip
 * of A (rowTiles of them from a) and every packed panel (panels of them from b, panelBytes
 * apart, 4 doubles per k), C += strip · panel over k steps, the 4×4 block of C at
 * c + strip·4·cRowBytes + panel·32. Byte addresses.
 */
export type SimdTiles = (
  a: number,
  aRowBytes: number,
  b: number,
  k: number,
  c: number,
  cRowBytes: number,
  rowTiles: number,
  panels: number,
  panelBytes: number,
) => void;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};

const sleb = (n: number): number[] => {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && !(b & 0x40)) || (v === -1 && b & 0x40)) return [...out, b];
    out.push(b | 0x80);
  }
};

const vector = (items: readonly number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, bytes: readonly number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Value types, and the instructions the tile uses (opcode, then immediates).
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const op = {
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  end: [0x0b],
  brIf: (depth: number) => [0x0d, ...uleb(depth)],
  get: (local: number) => [0x20, ...uleb(local)],
  set: (local: number) => [0x21, ...uleb(local)],
  tee: (local: number) => [0x22, ...uleb(local)],
  i32Const: (v: number) => [0x41, ...sleb(v)],
  i32Eqz: [0x45],
  i32Add: [0x6a],
  i32Sub: [0x6b],
  i32Shl: [0x74],
  call: (fn: number) => [0x10, ...uleb(fn)],
  // SIMD instructions: the 0xfd prefix, then the opcode as an unsigned LEB128.
  v128Load: (offset: number) => [0xfd, ...uleb(0x00), 4, ...uleb(offset)],
  v128Store: (offset: number) => [0xfd, ...uleb(0x0b), 4, ...uleb(offset)],
  /** v128.load64_splat (alignment 2^3): one double into both lanes, as a single load (no shuffle). */
  v128Load64Splat: (offset: number) => [0xfd, ...uleb(0x0a), 3, ...uleb(offset)],
  f64x2Add: [0xfd, ...uleb(0xf0)],
  f64x2Mul: [0xfd, ...uleb(0xf2)],
  // For the float16 decoder.
  v128Load64Zero: (offset: number) => [0xfd, ...uleb(0x5d), 3, ...uleb(offset)],
  v128Const32: (lane: number) => [0xfd, ...uleb(0x0c), ...[0, 1, 2, 3].flatMap(() => [0, 8, 16, 24].map((b) => (lane >>> b) & 0xff))],
  v128And: [0xfd, ...uleb(0x4e)],
  v128Or: [0xfd, ...uleb(0x50)],
  v128Bitselect: [0xfd, ...uleb(0x52)],
  /** Lanes 2 and 3 of the first operand moved to lanes 0 and 1. */
  highToLow: [0xfd, ...uleb(0x0d), 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
  i32x4GeU: [0xfd, ...uleb(0x40)],
  i32x4Shl: [0xfd, ...uleb(0xab)],
  i32x4ExtendLowI16x8U: [0xfd, ...uleb(0xa9)],
  f32x4Mul: [0xfd, ...uleb(0xe6)],
  f64x2PromoteLowF32x4: [0xfd, ...uleb(0x5f)],
  // For the float16 rounding of a convolution's result.
  /** Lanes 0 and 1 of both operands (two f32x4 halves made by a demote) as one f32x4. */
  lowHalves: [0xfd, ...uleb(0x0d), 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23],
  f32x4DemoteF64x2Zero: [0xfd, ...uleb(0x5e)],
  f64x2Splat: [0xfd, ...uleb(0x14)],
  i32x4Add: [0xfd, ...uleb(0xae)],
  i32x4ShrU: [0xfd, ...uleb(0xad)],
  i32x4LtU: [0xfd, ...uleb(0x3a)],
  i32x4GtU: [0xfd, ...uleb(0x3c)],
  f32x4Gt: [0xfd, ...uleb(0x44)],
  f32x4Add: [0xfd, ...uleb(0xe4)],
  f32x4Sub: [0xfd, ...uleb(0xe5)],
};

// Locals: the six i32 parameters, three more A row pointers and a C row pointer, then v128
// accumulators and operands.
const [A0, A_STRIDE, B, K, C, C_STRIDE] = [0, 1, 2, 3, 4, 5];
const [A1, A2, A3, C_ROW_PTR] = [6, 7, 8, 9];
/** Accumulator of row r, columns 0–1 (ACC + 2r) and 2–3 (ACC + 2r + 1). */
const ACC = 10;
const [B01, B23, X] = [18, 19, 20];

function tileBody(): number[] {
  const code: number[] = [];
  // Row pointers a1..a3 = a0 + r·stride.
  code.push(...op.get(A0), ...op.get(A_STRIDE), ...op.i32Add, ...op.set(A1));
  code.push(...op.get(A1), ...op.get(A_STRIDE), ...op.i32Add, ...op.set(A2));
  code.push(...op.get(A2), ...op.get(A_STRIDE), ...op.i32Add, ...op.set(A3));
  // Accumulators start at C's four rows.
  code.push(...op.get(C), ...op.set(C_ROW_PTR));
  for (let r = 0; r < 4; r++) {
    code.push(...op.get(C_ROW_PTR), ...op.v128Load(0), ...op.set(ACC + 2 * r));
    code.push(...op.get(C_ROW_PTR), ...op.v128Load(16), ...op.set(ACC + 2 * r + 1));
    code.push(...op.get(C_ROW_PTR), ...op.get(C_STRIDE), ...op.i32Add, ...op.set(C_ROW_PTR));
  }
  // for (; k != 0; k--)
  code.push(...op.block, ...op.get(K), ...op.i32Eqz, ...op.brIf(0), ...op.loop);
  // The panel's four values at this k: columns 0–1 and 2–3.
  code.push(...op.get(B), ...op.v128Load(0), ...op.set(B01), ...op.get(B), ...op.v128Load(16), ...op.set(B23));
  [A0, A1, A2, A3].forEach((row, r) => {
    // x = A[r][k] in both lanes; acc ← acc + x·b, per lane.
    code.push(...op.get(row), ...op.v128Load64Splat(0), ...op.set(X));
    for (const [acc, b] of [
      [ACC + 2 * r, B01],
      [ACC + 2 * r + 1, B23],
    ] as const)
      code.push(...op.get(acc), ...op.get(X), ...op.get(b), ...op.f64x2Mul, ...op.f64x2Add, ...op.set(acc));
  });
  // Next k: each A row moves one double, the panel one row of four.
  for (const p of [A0, A1, A2, A3]) code.push(...op.get(p), ...op.i32Const(8), ...op.i32Add, ...op.set(p));
  code.push(...op.get(B), ...op.i32Const(32), ...op.i32Add, ...op.set(B));
  code.push(...op.get(K), ...op.i32Const(1), ...op.i32Sub, ...op.tee(K), ...op.brIf(0), ...op.end, ...op.end);
  // Store the four rows of C.
  for (let r = 0; r < 4; r++) {
    code.push(...op.get(C), ...op.get(ACC + 2 * r), ...op.v128Store(0), ...op.get(C), ...op.get(ACC + 2 * r + 1), ...op.v128Store(16));
    code.push(...op.get(C), ...op.get(C_STRIDE), ...op.i32Add, ...op.set(C));
  }
  return [...code, ...op.end];
}

// Locals of `tiles`: its nine parameters, then the loop state.
const [ROW_TILES, PANELS, PANEL_BYTES] = [6, 7, 8];
const [I, J, A_PTR, C_ROW, B_PTR, C_PTR] = [9, 10, 11, 12, 13, 14];

/** The loops over strips and panels, calling the tile (function 0) for each pair. */
function tilesBody(): number[] {
  const code: number[] = [];
  code.push(...op.get(A0), ...op.set(A_PTR), ...op.get(C), ...op.set(C_ROW), ...op.get(ROW_TILES), ...op.set(I));
  code.push(...op.block, ...op.get(I), ...op.i32Eqz, ...op.brIf(0), ...op.loop);
  code.push(...op.get(B), ...op.set(B_PTR), ...op.get(C_ROW), ...op.set(C_PTR), ...op.get(PANELS), ...op.set(J));
  code.push(...op.block, ...op.get(J), ...op.i32Eqz, ...op.brIf(0), ...op.loop);
  code.push(...op.get(A_PTR), ...op.get(A_STRIDE), ...op.get(B_PTR), ...op.get(K), ...op.get(C_PTR), ...op.get(C_STRIDE), ...op.call(0));
  code.push(...op.get(B_PTR), ...op.get(PANEL_BYTES), ...op.i32Add, ...op.set(B_PTR));
  code.push(...op.get(C_PTR), ...op.i32Const(32), ...op.i32Add, ...op.set(C_PTR));
  code.push(...op.get(J), ...op.i32Const(1), ...op.i32Sub, ...op.tee(J), ...op.brIf(0), ...op.end, ...op.end);
  // Next strip: four rows down in A and in C.
  code.push(...op.get(A_PTR), ...op.get(A_STRIDE), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.set(A_PTR));
  code.push(...op.get(C_ROW), ...op.get(C_STRIDE), ...op.i32Const(2), ...op.i32Shl, ...op.i32Add, ...op.set(C_ROW));
  code.push(...op.get(I), ...op.i32Const(1), ...op.i32Sub, ...op.tee(I), ...op.brIf(0), ...op.end, ...op.end);
  return [...code, ...op.end];
}

// Locals of `fp16ToF64(src, dst, count)`: its three parameters, then the patterns and parts.
const [SRC, DST, COUNT] = [0, 1, 2];
const [H, EM, F] = [3, 4, 5];

/**
 * float16 patterns at src → doubles at dst, four per step (count a multiple of 4). A pattern's
 * magnitude bits shifted into a float32's place (em = (h & 0x7fff) << 13) read as that float32
 * times 2^-112, exactly, subnormals included; multiplying by 2^112 gives the value. Inf and NaN
 * (exponent all ones) take the float32 exponent of all ones instead, keeping the payload; then
 * the sign. float32 → double is exact, so each result is fp16BitsToFloat32's.
 */
function fp16ToF64Body(): number[] {
  const code: number[] = [];
  code.push(...op.block, ...op.get(COUNT), ...op.i32Eqz, ...op.brIf(0), ...op.loop);
  code.push(...op.get(SRC), ...op.v128Load64Zero(0), ...op.i32x4ExtendLowI16x8U, ...op.set(H));
  code.push(...op.get(H), ...op.v128Const32(0x7fff), ...op.v128And, ...op.i32Const(13), ...op.i32x4Shl, ...op.set(EM));
  // f = em ≥ 0x0f800000 (Inf or NaN) ? em | 0x70000000 : em · 2^112
  code.push(...op.get(EM), ...op.v128Const32(0x70000000), ...op.v128Or);
  code.push(...op.get(EM), ...op.v128Const32(0x77800000), ...op.f32x4Mul);
  code.push(...op.get(EM), ...op.v128Const32(0x0f800000), ...op.i32x4GeU, ...op.v128Bitselect);
  code.push(...op.get(H), ...op.v128Const32(0x8000), ...op.v128And, ...op.i32Const(16), ...op.i32x4Shl, ...op.v128Or, ...op.set(F));
  code.push(...op.get(DST), ...op.get(F), ...op.f64x2PromoteLowF32x4, ...op.v128Store(0));
  code.push(...op.get(DST), ...op.get(F), ...op.get(F), ...op.highToLow, ...op.f64x2PromoteLowF32x4, ...op.v128Store(16));
  code.push(...op.get(SRC), ...op.i32Const(8), ...op.i32Add, ...op.set(SRC));
  code.push(...op.get(DST), ...op.i32Const(32), ...op.i32Add, ...op.set(DST));
  code.push(...op.get(COUNT), ...op.i32Const(4), ...op.i32Sub, ...op.tee(COUNT), ...op.brIf(0), ...op.end, ...op.end);
  return [...code, ...op.end];
}

// Locals of `biasRelu16(ptr, count, bias, relu)`: its parameters, then the data, its magnitude
// and sign, a result, and the bias in both lanes.
const [PTR, N, BIAS, RELU] = [0, 1, 2, 3];
const [V, MAG, SIGN, R, BB] = [4, 5, 6, 7, 8];

/**
 * Rounds the four float32 lanes of local V to float16 in place (f16round per lane). Normal
 * values round on their bits as roundChunkToFloat16 in rounding.ts does (a carry past 65504
 * gives ±Inf, and so does Inf itself); below 2^-14 the magnitude plus 0.5 is rounded by the
 * float32 addition to a multiple of 2^-24, the float16 subnormal grid, then 0.5 is taken off
 * again, exactly; a NaN stays NaN, quiet, with the payload float16 keeps.
 */
function round16(): number[] {
  const c = op.v128Const32;
  return [
    ...[...op.get(V), ...c(0x7fffffff), ...op.v128And, ...op.set(MAG)],
    ...[...op.get(V), ...c(0x80000000), ...op.v128And, ...op.set(SIGN)],
    // r = (x + 0xfff + ((x >>> 13) & 1)) & 0xffffe000, then ±Inf where its magnitude reached 2^16.
    ...[
      ...op.get(V),
      ...c(0xfff),
      ...op.i32x4Add,
      ...op.get(V),
      ...op.i32Const(13),
      ...op.i32x4ShrU,
      ...c(1),
      ...op.v128And,
      ...op.i32x4Add,
    ],
    ...[...c(0xffffe000), ...op.v128And, ...op.set(R)],
    ...[...op.get(SIGN), ...c(0x7f800000), ...op.v128Or, ...op.get(R)],
    ...[...op.get(R), ...c(0x7fffffff), ...op.v128And, ...c(0x47800000), ...op.i32x4GeU, ...op.v128Bitselect, ...op.set(R)],
    // Below 2^-14: ((|x| + 0.5) − 0.5) with x's sign.
    ...[...op.get(MAG), ...c(0x3f000000), ...op.f32x4Add, ...c(0x3f000000), ...op.f32x4Sub, ...op.get(SIGN), ...op.v128Or],
    ...[...op.get(R), ...op.get(MAG), ...c(0x38800000), ...op.i32x4LtU, ...op.v128Bitselect, ...op.set(R)],
    // NaN: quiet, the payload's top 10 bits.
    ...[...op.get(V), ...c(0xffffe000), ...op.v128And, ...c(0x00400000), ...op.v128Or],
    ...[...op.get(R), ...op.get(MAG), ...c(0x7f800000), ...op.i32x4GtU, ...op.v128Bitselect, ...op.set(V)],
  ];
}

/** Four doubles at `at` (on the stack) and 16 bytes on, each rounded to float32, as one f32x4. */
const demoteFour = (at: number[]): number[] => [
  ...at,
  ...op.v128Load(0),
  ...op.f32x4DemoteF64x2Zero,
  ...at,
  ...op.v128Load(16),
  ...op.f32x4DemoteF64x2Zero,
  ...op.lowHalves,
];

/**
 * biasAndActivation's float16 step on count doubles at ptr (a multiple of 4), in place: each
 * rounded to float32 then float16, plus the bias in double, rounded again, then max(·, 0)
 * (NaN → 0) when relu is non-zero; float32 → double for the stores is exact.
 */
function biasRelu16Body(): number[] {
  const code: number[] = [...op.get(BIAS), ...op.f64x2Splat, ...op.set(BB)];
  code.push(...op.block, ...op.get(N), ...op.i32Eqz, ...op.brIf(0), ...op.loop);
  code.push(...demoteFour(op.get(PTR)), ...op.set(V), ...round16());
  // x + bias for lanes 0–1 and 2–3 in double, each sum rounded to float32.
  code.push(...op.get(V), ...op.f64x2PromoteLowF32x4, ...op.get(BB), ...op.f64x2Add, ...op.f32x4DemoteF64x2Zero);
  code.push(...op.get(V), ...op.get(V), ...op.highToLow, ...op.f64x2PromoteLowF32x4, ...op.get(BB), ...op.f64x2Add);
  code.push(...op.f32x4DemoteF64x2Zero, ...op.lowHalves, ...op.set(V), ...round16());
  code.push(...op.block, ...op.get(RELU), ...op.i32Eqz, ...op.brIf(0));
  code.push(...op.get(V), ...op.get(V), ...op.v128Const32(0), ...op.f32x4Gt, ...op.v128And, ...op.set(V), ...op.end);
  code.push(...op.get(PTR), ...op.get(V), ...op.f64x2PromoteLowF32x4, ...op.v128Store(0));
  code.push(...op.get(PTR), ...op.get(V), ...op.get(V), ...op.highToLow, ...op.f64x2PromoteLowF32x4, ...op.v128Store(16));
  code.push(...op.get(PTR), ...op.i32Const(32), ...op.i32Add, ...op.set(PTR));
  code.push(...op.get(N), ...op.i32Const(4), ...op.i32Sub, ...op.tee(N), ...op.brIf(0), ...op.end, ...op.end);
  return [...code, ...op.end];
}

const params = (n: number) => vector(Array.from({ length: n }, () => [I32]));

function moduleBytes(): Uint8Array {
  const tile = [
    ...vector([
      [...uleb(4), I32],
      [...uleb(11), V128],
    ]),
    ...tileBody(),
  ];
  const tiles = [...vector([[...uleb(6), I32]]), ...tilesBody()];
  const decode = [...vector([[...uleb(3), V128]]), ...fp16ToF64Body()];
  const epilogue = [...vector([[...uleb(5), V128]]), ...biasRelu16Body()];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    // Types: 0 = the tile's six i32 parameters, 1 = the loops' nine, 2 = the decoder's three.
    ...section(
      1,
      vector([
        [0x60, ...params(6), 0],
        [0x60, ...params(9), 0],
        [0x60, ...params(3), 0],
        [0x60, ...vector([[I32], [I32], [F64], [I32]]), 0],
      ]),
    ),
    ...section(2, vector([[...name("env"), ...name("memory"), 0x02, 0x00, ...uleb(1)]])),
    ...section(3, vector([[0], [1], [2], [3]])),
    ...section(
      7,
      vector([
        [...name("tiles"), 0x00, 1],
        [...name("fp16ToF64"), 0x00, 2],
        [...name("biasRelu16"), 0x00, 3],
      ]),
    ),
    ...section(
      10,
      vector([
        [...uleb(tile.length), ...tile],
        [...uleb(tiles.length), ...tiles],
        [...uleb(decode.length), ...decode],
        [...uleb(epilogue.length), ...epilogue],
      ]),
    ),
  ]);
}

/** The linear memory the tile reads and writes, grown on demand, and the tile itself. */
export interface SimdGemm {
  readonly tiles: SimdTiles;
  /** fp16ToF64(src, dst, count): count (a multiple of 4) float16 patterns at byte src → doubles at byte dst. */
  readonly fp16ToF64: (src: number, dst: number, count: number) => void;
  /** biasRelu16(ptr, count, bias, relu): rounding.ts's float16 bias-and-ReLU step on count (a multiple of 4) doubles at byte ptr. */
  readonly biasRelu16: (ptr: number, count: number, bias: number, relu: number) => void;
  /**
   * A Float64Array over the whole memory, at least `bytes` long (the view changes when the
   * memory grows), or null when the memory cannot grow that far (4 GiB at most, as addresses
   * are 32 bits). The memory keeps its largest size for the next call.
   */
  doubles(bytes: number): Float64Array | null;
}

/** The part of the WebAssembly JavaScript API used here (the project's lib settings do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

let instance: SimdGemm | null | undefined;

/** The SIMD tile, or null where WebAssembly SIMD is unavailable (the scalar tile is used then). */
export function simdGemm(): SimdGemm | null {
  if (instance !== undefined) return instance;
  instance = null;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  const bytes = moduleBytes();
  if (!wasm?.validate(bytes)) return instance;
  const memory = new wasm.Memory({ initial: 1 });
  const exports = new wasm.Instance(new wasm.Module(bytes), { env: { memory } }).exports as Pick<
    SimdGemm,
    "tiles" | "fp16ToF64" | "biasRelu16"
  >;
  let view = new Float64Array(memory.buffer);
  instance = {
    tiles: exports.tiles,
    fp16ToF64: exports.fp16ToF64,
    biasRelu16: exports.biasRelu16,
    doubles(need) {
      if (memory.buffer.byteLength < need) {
        try {
          memory.grow(Math.ceil((need - memory.buffer.byteLength) / 65536));
        } catch {
          return null; // past the 32-bit address space or out of memory: the caller uses the scalar tiles
        }
      }
      if (view.buffer !== memory.buffer) view = new Float64Array(memory.buffer);
      return view;
    },
  };
  return instance;
}
