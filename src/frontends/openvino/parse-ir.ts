/**
 * OpenVINO IR bytes → the document model, checking what a consumer relies on: every edge joins
 * an existing output port to an existing input port, and every Const's byte range lies inside
 * the weights. Errors name the file and the layer. Files are read elsewhere (load-model.ts;
 * readIr for the .xml/.bin pair on disk).
 */
import { MyriadcError } from "../../util/errors.js";
import { parseXml, XmlSyntaxError } from "../../util/xml.js";
import { IrFormatError, type IrNet, irNetFromXml } from "./ir-document.js";

function dataAttr(data: [string, string][] | undefined, name: string): string | undefined {
  return data?.find(([k]) => k === name)?.[1];
}

/** Structural checks shared by the reader and the emitter's tests. */
export function checkIrNet(net: IrNet, weightsLength: number, file: string): void {
  const fail = (msg: string): never => {
    throw new MyriadcError("bad-format", msg, { file });
  };
  const byId = new Map(net.layers.map((l) => [l.id, l]));
  if (byId.size !== net.layers.length) fail("two layers share an id");
  for (const e of net.edges) {
    const from = byId.get(e.fromLayer);
    const to = byId.get(e.toLayer);
    if (!from || !to) fail(`edge ${e.fromLayer}:${e.fromPort} → ${e.toLayer}:${e.toPort} names a layer that does not exist`);
    if (!from!.outputs.some((p) => p.id === e.fromPort))
      fail(`edge from layer ${JSON.stringify(from!.name)} uses output port ${e.fromPort}, which it does not have`);
    if (!to!.inputs.some((p) => p.id === e.toPort))
      fail(`edge to layer ${JSON.stringify(to!.name)} uses input port ${e.toPort}, which it does not have`);
  }
  for (const l of net.layers) {
    if (l.type === "Const") {
      const offset = Number(dataAttr(l.data, "offset") ?? NaN);
      const size = Number(dataAttr(l.data, "size") ?? NaN);
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0)
        fail(
          `Const layer ${JSON.stringify(l.name)} has no valid offset/size (offset ${dataAttr(l.data, "offset")}, size ${dataAttr(l.data, "size")})`,
        );
      if (offset + size > weightsLength) {
        fail(
          `Const layer ${JSON.stringify(l.name)} needs bytes ${offset}–${offset + size} of the weights, which have ${weightsLength} bytes`,
        );
      }
    }
    for (const b of l.bodies) checkIrNet(b.net, weightsLength, file);
  }
}

/** The IR document of an .xml text; `file` names it in messages. */
export function parseIrXml(xml: string, file: string): IrNet {
  try {
    return irNetFromXml(parseXml(xml));
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new MyriadcError("bad-format", `is not valid XML: ${e.message}`, { file, cause: e });
    if (e instanceof IrFormatError) throw new MyriadcError("bad-format", e.message, { file, cause: e });
    throw e;
  }
}

/** The .bin file name beside an .xml ("model.xml" → "model.bin"). */
export function binNameFor(xmlName: string): string {
  return `${xmlName.replace(/\.xml$/i, "")}.bin`;
}
