/**
 * The header fields of a MYRIAD blob that tell a real one from anything else: the magic
 * number 9709 (BLOB_MAGIC_NUMBER of the MYRIAD graph transformer) at byte 52 and the blob's
 * size at byte 56, both little-endian u32, the size never beyond the file (the test
 * blobconverter's client applies to cached blobs), then the blob version at 60/64 (6.0 from
 * compile_tool; blobconverter rewrites it to the OpenVINO version, e.g. 2022.1).
 * Source: shared/docs/myriadx-target.md §0 and §6.
 */
import { MyriadcError } from "../util/errors.js";

export const BLOB_MAGIC = 9709;
const MAGIC_AT = 52;
const HEADER_BYTES = 68;

export interface BlobHeader {
  magic: number;
  size: number;
  versionMajor: number;
  versionMinor: number;
}

export function readBlobHeader(bytes: Uint8Array): BlobHeader | undefined {
  if (bytes.length < HEADER_BYTES) return undefined;
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    magic: v.getUint32(MAGIC_AT, true),
    size: v.getUint32(MAGIC_AT + 4, true),
    versionMajor: v.getUint32(60, true),
    versionMinor: v.getUint32(64, true),
  };
}

/** Throws a one-line error naming `source` when `bytes` is not a MYRIAD blob. */
export function checkBlob(bytes: Uint8Array, source: string): BlobHeader {
  const h = readBlobHeader(bytes);
  if (!h)
    throw new MyriadcError(
      "compile-failed",
      `the compiler produced ${bytes.length} bytes, too few for a MYRIAD blob (its header alone is ${HEADER_BYTES})`,
      { file: source },
    );
  if (h.magic !== BLOB_MAGIC)
    throw new MyriadcError("compile-failed", `not a MYRIAD blob: magic number ${h.magic} at byte ${MAGIC_AT}, expected ${BLOB_MAGIC}`, {
      file: source,
    });
  if (h.size > bytes.length || h.size <= HEADER_BYTES)
    throw new MyriadcError(
      "compile-failed",
      `truncated or corrupt MYRIAD blob: its header says ${h.size} bytes, the file has ${bytes.length}`,
      { file: source },
    );
  return h;
}
