/**
 * What ties an IR's .xml to its .bin (issue 16, part 4). The two files are renamed into place
 * one after the other, so between the renames (or after a kill) a reader can find a new .xml
 * beside the old .bin. myriadc's writer (src/emit/ir-pair.ts) therefore records in the .xml's
 * net-level <rt_info> a pair id (a random 128-bit nonce) and the .bin's byte size, and ends the
 * .bin with a trailer holding the same nonce; readers check both, so that state is an error
 * they name instead of a model with the wrong weights.
 *
 * A trailer rather than a sidecar file: a third file would itself have to be kept consistent
 * with the .bin, the same problem again; the trailer is written into the .bin it vouches for,
 * so it is renamed with those bytes. Checking it costs a stat and 24 bytes, never a hash of
 * the weights. It is invisible to OpenVINO: Const offsets never reach it, and the 2022.x IR
 * reader reads the whole .bin and only requires `offset + size` of each Const to lie within
 * it (openvinotoolkit/openvino, src/frontends/ir/src/ir_deserializer.cpp, XmlDeserializer::
 * on_adapter: `if (m_weights->size() < offset + size) IE_THROW() << "Incorrect weights in bin
 * file!"`; src/frontends/ir/src/frontend.cpp reads `file_size` bytes with no other check).
 * <rt_info> entries with a `value` attribute are plain strings to that reader, as
 * myriadc_version and Model Optimizer's MO_version are.
 *
 * IRs without a pair id (Model Optimizer's, older myriadc's) are read as before. Node-free: the
 * browser's reader checks the same.
 */
import { MyriadcError } from "../../util/errors.js";
import { attribute, element, type XmlElement } from "../../util/xml.js";
import type { IrNet } from "./ir-document.js";

/** The <rt_info> entries the writer adds. */
export const PAIR_ID_ENTRY = "myriadc_pair_id";
export const BIN_SIZE_ENTRY = "myriadc_bin_size";

/** "myriadcP" (myriadc pair), then the 16 nonce bytes: the last 24 bytes of a paired .bin. */
const MAGIC = new TextEncoder().encode("myriadcP");
const NONCE_BYTES = 16;
export const PAIR_TRAILER_BYTES = MAGIC.length + NONCE_BYTES;

export interface IrPairId {
  /** 32 lowercase hex digits. */
  id: string;
  /** The whole .bin's size in bytes, trailer included. */
  binSize: number;
}

const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** A fresh pair id: 128 random bits from the platform's CSPRNG (Node and browsers alike). */
export function newPairId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(NONCE_BYTES)));
}

/** The bytes that end a .bin of pair `id`. */
export function pairTrailer(id: string): Uint8Array {
  const out = new Uint8Array(PAIR_TRAILER_BYTES);
  out.set(MAGIC, 0);
  for (let i = 0; i < NONCE_BYTES; i++) out[MAGIC.length + i] = Number.parseInt(id.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** The pair id a trailer names, or undefined when the bytes are no trailer. */
function trailerId(tail: Uint8Array): string | undefined {
  if (tail.length !== PAIR_TRAILER_BYTES) return undefined;
  for (let i = 0; i < MAGIC.length; i++) if (tail[i] !== MAGIC[i]) return undefined;
  return hex(tail.subarray(MAGIC.length));
}

const isPairEntry = (el: XmlElement) => el.name === PAIR_ID_ENTRY || el.name === BIN_SIZE_ENTRY;

/** `net` with the pair's entries in its <rt_info> (replacing any it had; an <rt_info> is added when there is none). */
export function withPairId(net: IrNet, pair: IrPairId): IrNet {
  const entries = [element(PAIR_ID_ENTRY, [["value", pair.id]]), element(BIN_SIZE_ENTRY, [["value", String(pair.binSize)]])];
  const at = net.extra.findIndex((el) => el.name === "rt_info");
  if (at < 0) return { ...net, extra: [...net.extra, element("rt_info", [], entries)], order: [...net.order, "rt_info"] };
  const rt = net.extra[at]!;
  const extra = [...net.extra];
  extra[at] = { ...rt, children: [...rt.children.filter((c) => !isPairEntry(c)), ...entries] };
  return { ...net, extra };
}

/**
 * `net` without the pair's entries: the pair id belongs to the files, not to the network. An
 * <rt_info> left empty goes too (withPairId made it, for an IR v10 that had <meta_data> only).
 */
export function withoutPairId(net: IrNet): IrNet {
  const at = net.extra.findIndex((el) => el.name === "rt_info");
  const rt = net.extra[at];
  if (!rt?.children.some(isPairEntry)) return net;
  const children = rt.children.filter((c) => !isPairEntry(c));
  const extra = [...net.extra];
  if (children.length > 0) {
    extra[at] = { ...rt, children };
    return { ...net, extra };
  }
  extra.splice(at, 1);
  // The order lists the extra children in sequence: drop the rt_info entry that was the at-th of them.
  let seen = -1;
  const order = net.order.filter((t) => t === "layers" || t === "edges" || ++seen !== at);
  return { ...net, extra, order };
}

/** The pair the .xml records, undefined when it records none; a malformed record is the file's error. */
export function recordedPair(net: IrNet, file: string): IrPairId | undefined {
  const rt = net.extra.find((el) => el.name === "rt_info");
  const idEl = rt?.children.find((c) => c.name === PAIR_ID_ENTRY);
  const sizeEl = rt?.children.find((c) => c.name === BIN_SIZE_ENTRY);
  if (!idEl && !sizeEl) return undefined;
  const id = idEl && attribute(idEl, "value");
  const size = sizeEl && attribute(sizeEl, "value");
  const binSize = size !== undefined && /^\d+$/.test(size) ? Number(size) : Number.NaN;
  if (id === undefined || !/^[0-9a-f]{32}$/.test(id) || !Number.isSafeInteger(binSize) || binSize < PAIR_TRAILER_BYTES)
    throw new MyriadcError(
      "bad-format",
      `its rt_info pair record is malformed (${PAIR_ID_ENTRY} ${JSON.stringify(id ?? null)}, ${BIN_SIZE_ENTRY} ${JSON.stringify(size ?? null)})`,
      { file },
    );
  return { id, binSize };
}

/** What a reader knows of the .bin beside an .xml: its size and a way to read its last bytes. */
export interface BinFacts {
  size: number;
  tail(length: number): Uint8Array;
}

/**
 * Checks that `bin` is the .bin written with this .xml, when the .xml records a pair; throws
 * "the .bin does not belong to this .xml (…)" otherwise. Returns the document without the pair
 * entries and the number of bytes that are weights (the trailer is not).
 */
export function checkIrPair(net: IrNet, bin: BinFacts | undefined, file: string, binPath: string): { net: IrNet; weightsBytes: number } {
  const pair = recordedPair(net, file);
  if (!pair) return { net, weightsBytes: bin?.size ?? 0 };
  const refuse = (why: string): never => {
    throw new MyriadcError("bad-format", `the .bin does not belong to this .xml (${why}); write the pair again`, { file });
  };
  if (!bin) refuse(`${binPath} is missing`);
  if (bin!.size !== pair.binSize) refuse(`${binPath} has ${bin!.size} bytes, the .xml was written with one of ${pair.binSize}`);
  const found = trailerId(bin!.tail(PAIR_TRAILER_BYTES));
  if (found === undefined) refuse(`${binPath} has no myriadc pair trailer`);
  if (found !== pair.id) refuse(`${binPath} is of pair ${found}, the .xml of pair ${pair.id}`);
  return { net: withoutPairId(net), weightsBytes: bin!.size - PAIR_TRAILER_BYTES };
}
