/**
 * NumPy `.npy` files (format versions 1.0, 2.0 and 3.0): the zoo's inputs and reference
 * outputs, and what `myriadc run` writes. Layout: the magic "\x93NUMPY", a major and minor
 * version byte, a little-endian header length (2 bytes in 1.0, 4 bytes in 2.0/3.0), then an
 * ASCII (3.0: UTF-8) Python dict literal with `descr`, `fortran_order` and `shape`, padded
 * with spaces and a newline so the data starts aligned; the data follows, raw.
 */
import { byteLengthOf, type DTypeName, dtypeInfo } from "../ir/dtype.js";
import { shapeSize } from "../ir/shape.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import { MyriadcError } from "../util/errors.js";
import { checkTensorSize } from "../util/limits.js";
import { readExactly, readUpTo, withFile } from "./read-bounded.js";

export interface NpyArray {
  dtype: DTypeName;
  dims: number[];
  /** Raw little-endian bytes in C order; a fresh, aligned copy. */
  data: Uint8Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy type code (without byte order) → our dtype. */
const FROM_NUMPY: Record<string, DTypeName> = {
  f4: "float32",
  f8: "float64",
  f2: "float16",
  u1: "uint8",
  i1: "int8",
  i2: "int16",
  u2: "uint16",
  i4: "int32",
  u4: "uint32",
  i8: "int64",
  u8: "uint64",
  b1: "bool",
  "?": "bool",
  c8: "complex64",
  c16: "complex128",
};

function fail(source: string, message: string): never {
  throw new MyriadcError("bad-format", message, { file: source });
}

function parseHeader(text: string, source: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    // Structured dtypes put a list where the string descr should be.
    if (/'descr'\s*:\s*\[/.test(text)) fail(source, "is a structured (record) array, which is not supported");
    fail(source, `has an .npy header this tool cannot read: ${text.trim().slice(0, 120)}`);
  }
  const shape = shapeText
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const n = Number(s.replace(/L$/, ""));
      if (!Number.isSafeInteger(n) || n < 0) fail(source, `has an invalid dimension ${JSON.stringify(s)} in its .npy shape`);
      return n;
    });
  return { descr, fortran: fortran === "True", shape };
}

function dtypeOfDescr(descr: string, source: string): { dtype: DTypeName; bigEndian: boolean } {
  const order = descr[0] === "<" || descr[0] === ">" || descr[0] === "|" || descr[0] === "=" ? descr[0] : "";
  const code = order ? descr.slice(1) : descr;
  const dtype = FROM_NUMPY[code];
  if (!dtype) {
    const what = code.startsWith("O")
      ? "object arrays"
      : code.startsWith("U") || code.startsWith("S")
        ? "string arrays"
        : `dtype ${JSON.stringify(descr)}`;
    fail(source, `holds ${what}, which are not supported (numeric and bool arrays only)`);
  }
  return { dtype, bigEndian: order === ">" };
}

/** Swaps each element's bytes in place (big-endian files). */
function swapBytes(data: Uint8Array, width: number): void {
  if (width <= 1) return;
  for (let i = 0; i < data.length; i += width) {
    for (let a = i, b = i + width - 1; a < b; a++, b--) {
      const t = data[a]!;
      data[a] = data[b]!;
      data[b] = t;
    }
  }
}

/** Reorders a Fortran-order (column-major) buffer into C order. */
function fortranToC(data: Uint8Array, dims: readonly number[], width: number): Uint8Array {
  const n = shapeSize(dims);
  if (dims.length < 2 || n === 0) return data;
  const out = new Uint8Array(data.length);
  const rank = dims.length;
  const idx = new Array<number>(rank).fill(0);
  // Column-major strides: the first index varies fastest.
  const fStride = new Array<number>(rank);
  let acc = 1;
  for (let d = 0; d < rank; d++) {
    fStride[d] = acc;
    acc *= dims[d]!;
  }
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let d = 0; d < rank; d++) f += idx[d]! * fStride[d]!;
    out.set(data.subarray(f * width, f * width + width), c * width);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < dims[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** What an .npy header declares: enough to check the body's size before reading it. */
export interface NpyHeader {
  /** The dtype as numpy wrote it ("<f4"), for messages. */
  descr: string;
  dtype: DTypeName;
  dims: number[];
  bigEndian: boolean;
  fortran: boolean;
  /** Where the data starts (the length of magic, version, length field and header). */
  dataOffset: number;
  /** Bytes of data the header promises. */
  dataBytes: number;
}

/** The prefix whose length field says how long the header is: magic, version, length. */
const PREFIX_BYTES = 12;
/** numpy refuses headers beyond 10,000 bytes by default; a little slack, still bounded. */
const MAX_HEADER_BYTES = 64 * 1024;

/** How many bytes the header occupies (prefix included), from the file's first bytes. */
function headerEnd(bytes: Uint8Array, source: string): number {
  if (bytes.length < 10 || MAGIC.some((m, i) => bytes[i] !== m)) fail(source, "is not a NumPy .npy file (bad magic)");
  const major = bytes[6]!;
  if (major < 1 || major > 3) fail(source, `has .npy format version ${major}.${bytes[7]}, which this tool does not know`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) fail(source, "is truncated inside its .npy header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLen > MAX_HEADER_BYTES)
    fail(source, `has an .npy header of ${headerLen} bytes; more than ${MAX_HEADER_BYTES} is not a real header`);
  return 8 + lenBytes + headerLen;
}

/** Reads the header from the file's first bytes (which must hold all of it). */
export function parseNpyHeader(bytes: Uint8Array, source = "<buffer>"): NpyHeader {
  const end = headerEnd(bytes, source);
  const major = bytes[6]!;
  const start = major === 1 ? 10 : 12;
  if (bytes.length < end) fail(source, `is truncated: its .npy header says ${end - start} bytes, the file has ${bytes.length - start}`);
  const header = new TextDecoder(major === 3 ? "utf-8" : "latin1").decode(bytes.subarray(start, end));
  const { descr, fortran, shape } = parseHeader(header, source);
  const { dtype, bigEndian } = dtypeOfDescr(descr, source);
  const count = shapeSize(shape);
  if (!Number.isSafeInteger(count)) fail(source, `declares shape (${shape.join(", ")}), whose element count is beyond 2^53`);
  return { descr, dtype, dims: shape, bigEndian, fortran, dataOffset: end, dataBytes: byteLengthOf(dtype, count) };
}

const describe = (h: NpyHeader) => `${h.descr} with shape (${h.dims.join(", ")})`;

/** The array from its header and exactly `header.dataBytes` bytes of data (copied, aligned, C order). */
function decodeBody(h: NpyHeader, body: Uint8Array): NpyArray {
  let data: Uint8Array = new Uint8Array(h.dataBytes);
  data.set(body.subarray(0, h.dataBytes));
  const info = dtypeInfo(h.dtype);
  const width = h.dtype === "complex64" ? 4 : h.dtype === "complex128" ? 8 : info.bits / 8;
  if (h.bigEndian) swapBytes(data, width);
  if (h.fortran) data = fortranToC(data, h.dims, info.bits / 8);
  return { dtype: h.dtype, dims: h.dims, data };
}

export function parseNpy(bytes: Uint8Array, source = "<buffer>"): NpyArray {
  const h = parseNpyHeader(bytes, source);
  const present = bytes.length - h.dataOffset;
  if (present !== h.dataBytes) fail(source, `has ${present} bytes of data, but ${describe(h)} needs ${h.dataBytes}`);
  return decodeBody(h, bytes.subarray(h.dataOffset));
}

export interface ReadNpyOptions {
  /** Called with the header before the body is read: throw to refuse the file (wrong dtype or shape). */
  check?: (header: NpyHeader) => void;
}

/**
 * Reads an .npy file by its header: the header first (bounded), then the size it declares is
 * checked against the per-tensor limit, `options.check` and, for a regular file, the file's
 * size; only then is exactly that many bytes read. So /dev/zero, a FIFO or a 50 GB file end
 * in one line instead of filling the memory.
 */
export function readNpy(path: string, options: ReadNpyOptions = {}): NpyArray {
  return withFile(path, (fd, st) => {
    const prefix = readUpTo(fd, PREFIX_BYTES, path);
    const head = new Uint8Array(headerEnd(prefix, path));
    head.set(prefix.subarray(0, head.length));
    if (head.length > prefix.length) head.set(readExactly(fd, head.length - prefix.length, path), prefix.length);
    const h = parseNpyHeader(head, path);
    checkTensorSize({ dtype: h.dtype, dims: h.dims, what: "its .npy header declares", file: path });
    options.check?.(h);
    if (st.isFile() && st.size - h.dataOffset !== h.dataBytes)
      fail(path, `has ${Math.max(0, st.size - h.dataOffset)} bytes of data, but ${describe(h)} needs ${h.dataBytes}`);
    const extra = prefix.length > head.length ? prefix.subarray(head.length) : new Uint8Array();
    const body = new Uint8Array(h.dataBytes);
    body.set(extra.subarray(0, h.dataBytes));
    if (h.dataBytes > extra.length) body.set(readExactly(fd, h.dataBytes - extra.length, path), extra.length);
    return decodeBody(h, body);
  });
}
export function encodeNpy(arr: NpyArray): Uint8Array {
  const info = dtypeInfo(arr.dtype);
  if (!info.numpy) throw new MyriadcError("unsupported", `${arr.dtype} has no NumPy equivalent; it cannot be written as .npy`);
  const expected = byteLengthOf(arr.dtype, shapeSize(arr.dims));
  if (arr.data.byteLength !== expected)
    throw new RangeError(`${arr.dtype}[${arr.dims.join(",")}] needs ${expected} bytes, got ${arr.data.byteLength}`);
  const shape = arr.dims.length === 1 ? `(${arr.dims[0]},)` : `(${arr.dims.join(", ")})`;
  const dict = `{'descr': '${info.numpy}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Pad so that magic + version + length field + header is a multiple of 64, ending in "\n".
  const fits = 10 + dict.length + 1 <= 65535 + 10;
  const prefix = fits ? 10 : 12;
  const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
  const headerLen = total - prefix;
  const header = `${dict.padEnd(headerLen - 1, " ")}\n`;
  const out = new Uint8Array(total + expected);
  out.set(MAGIC, 0);
  out[6] = fits ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (fits) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  out.set(new TextEncoder().encode(header), prefix);
  out.set(arr.data, total);
  return out;
}

export function writeNpyAtomic(path: string, arr: NpyArray): void {
  writeFileAtomic(path, encodeNpy(arr));
}
