/**
 * External data (ONNX `data_location = EXTERNAL`): what a TensorProto's external_data entries
 * say. Where the bytes come from is the companion's business (src/frontends/companion.ts).
 */
import { MyriadcError } from "../../util/errors.js";

export interface ExternalSpec {
  location: string;
  offset: number;
  length: number | undefined;
  checksum: string | undefined;
}

/** Parses TensorProto.external_data entries. */
export function parseExternalSpec(entries: readonly { key?: string; value?: string }[], tensorName: string, file: string): ExternalSpec {
  let location: string | undefined;
  let offset = 0;
  let length: number | undefined;
  let checksum: string | undefined;
  for (const e of entries) {
    const v = e.value ?? "";
    switch (e.key) {
      case "location":
        location = v;
        break;
      case "offset":
        offset = parseByteCount(v, "offset", tensorName, file);
        break;
      case "length":
        length = parseByteCount(v, "length", tensorName, file);
        break;
      case "checksum":
        checksum = v;
        break;
      default:
        // Other keys are allowed by the spec and carry nothing we need.
        break;
    }
  }
  if (!location)
    throw new MyriadcError("external-data", `tensor ${JSON.stringify(tensorName)} is stored externally but has no location`, { file });
  return { location, offset, length, checksum };
}

function parseByteCount(v: string, key: string, tensorName: string, file: string): number {
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(Number(v))) {
    throw new MyriadcError(
      "external-data",
      `tensor ${JSON.stringify(tensorName)} has external-data ${key} ${JSON.stringify(v)}, not a byte count`,
      { file },
    );
  }
  return Number(v);
}
