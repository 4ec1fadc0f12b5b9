/**
 * A decoder of the ONNX messages driven by their table in schema.ts, for the streamed load.
 * It builds what protobufjs's reflection decoder builds — the same field names, int64 fields
 * as `Long`, strings and bytes read by protobufjs's own `Reader`, repeated fields as own
 * arrays (empty when absent), singular fields as own properties only when present (their
 * defaults on the prototype, so `has` and the default reads behave alike) — without the code
 * protobufjs generates for each type on its first decode (about 20 ms of every ONNX load, more
 * than the rest of decoding resnet18). test/frontends/onnx/streamed-load.test.ts checks that the
 * streamed load, which uses it, gives what the protobufjs decode gives on the whole corpus.
 */
import Long from "long";
import type protobuf from "protobufjs";
import { ONNX_PROTO_JSON } from "./schema.js";

type Kind = "float" | "double" | "int32" | "int64" | "uint64" | "bool" | "string" | "bytes" | "enum" | "message";

export interface FieldPlan {
  readonly name: string;
  readonly kind: Kind;
  readonly repeated: boolean;
  /** The message type of a message field. */
  message?: MessagePlan;
}

export interface MessagePlan {
  readonly fields: ReadonlyMap<number, FieldPlan>;
  /** Defaults of the singular fields: the prototype of every decoded message of this type. */
  readonly defaults: object;
  /** Names of the repeated fields, created empty on every message. */
  readonly repeated: readonly string[];
}

interface FieldJson {
  type: string;
  id: number;
  rule?: string;
}
interface TypeJson {
  fields?: Record<string, FieldJson>;
  values?: Record<string, number>;
  nested?: Record<string, TypeJson>;
}

const SCALAR_KINDS = new Set<string>(["float", "double", "int32", "int64", "uint64", "bool", "string", "bytes"]);

function defaultOf(kind: Kind): unknown {
  switch (kind) {
    case "int64":
      return Long.fromBits(0, 0, false);
    case "uint64":
      return Long.fromBits(0, 0, true);
    case "bool":
      return false;
    case "string":
      return "";
    case "bytes":
      return new Uint8Array(0);
    case "message":
      return null;
    default:
      return 0;
  }
}

/** Every message type's plan, by full name ("TypeProto.Tensor"), type references resolved as protobuf scopes them. */
function buildPlans(): Map<string, MessagePlan> {
  const plans = new Map<string, MessagePlan>();
  const enums = new Set<string>();
  const pending: { plan: FieldPlan; scope: string; type: string }[] = [];
  const visit = (name: string, t: TypeJson) => {
    if (t.values) {
      enums.add(name);
      return;
    }
    const fields = new Map<number, FieldPlan>();
    const defaults: Record<string, unknown> = {};
    const repeated: string[] = [];
    for (const [fieldName, f] of Object.entries(t.fields ?? {})) {
      const plan: FieldPlan = {
        name: fieldName,
        kind: SCALAR_KINDS.has(f.type) ? (f.type as Kind) : "message",
        repeated: f.rule === "repeated",
      };
      fields.set(f.id, plan);
      if (plan.kind === "message") pending.push({ plan, scope: name, type: f.type });
      if (plan.repeated) repeated.push(fieldName);
    }
    plans.set(name, { fields, defaults, repeated });
    for (const [nestedName, nested] of Object.entries(t.nested ?? {})) visit(`${name}.${nestedName}`, nested);
  };
  for (const [name, t] of Object.entries(ONNX_PROTO_JSON.nested.onnx.nested as Record<string, TypeJson>)) visit(name, t);
  for (const { plan, scope, type } of pending) {
    // A name is looked up in the field's message, then outwards (TypeProto.Tensor, then TypeProto, then the package).
    let found: string | undefined;
    for (let at: string | undefined = scope; found === undefined; at = at.includes(".") ? at.slice(0, at.lastIndexOf(".")) : undefined) {
      const candidate = at === undefined ? type : `${at}.${type}`;
      if (plans.has(candidate) || enums.has(candidate)) found = candidate;
      if (at === undefined) break;
    }
    if (found === undefined) throw new Error(`ONNX schema: type ${type} of ${scope}.${plan.name} is not defined`);
    if (enums.has(found)) (plan as { kind: Kind }).kind = "enum";
    else plan.message = plans.get(found)!;
  }
  for (const plan of plans.values()) {
    const defaults = plan.defaults as Record<string, unknown>;
    for (const f of plan.fields.values()) if (!f.repeated) defaults[f.name] = defaultOf(f.kind);
  }
  return plans;
}

let plans: Map<string, MessagePlan> | undefined;

/** The plan of a top-level ONNX message (built on first use). */
export function messagePlan(name: string): MessagePlan {
  plans ??= buildPlans();
  const plan = plans.get(name);
  if (!plan) throw new Error(`ONNX schema: no message ${name}`);
  return plan;
}

function readScalar(r: protobuf.Reader, kind: Kind): unknown {
  switch (kind) {
    case "float":
      return r.float();
    case "double":
      return r.double();
    case "int32":
    case "enum":
      return r.int32();
    case "int64":
      return r.int64();
    case "uint64":
      return r.uint64();
    case "bool":
      return r.bool();
    case "string":
      return r.string();
    default:
      return r.bytes();
  }
}

/** Decodes the message of `plan` at the reader's position, `length` bytes long. Throws on malformed bytes, as protobufjs does. */
export function decodeWithPlan(r: protobuf.Reader, length: number, plan: MessagePlan): Record<string, unknown> {
  const end = r.pos + length;
  const m = Object.create(plan.defaults) as Record<string, unknown>;
  for (const name of plan.repeated) m[name] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const f = plan.fields.get(tag >>> 3);
    if (!f) {
      r.skipType(tag & 7);
      continue;
    }
    if (f.kind === "message") {
      const value = decodeWithPlan(r, r.uint32(), f.message!);
      if (f.repeated) (m[f.name] as unknown[]).push(value);
      else m[f.name] = value;
    } else if (!f.repeated) m[f.name] = readScalar(r, f.kind);
    else {
      const list = m[f.name] as unknown[];
      // Packed or not, as protobuf readers accept both (strings and bytes are never packed).
      if ((tag & 7) === 2 && f.kind !== "string" && f.kind !== "bytes") {
        const packedEnd = r.uint32() + r.pos;
        while (r.pos < packedEnd) list.push(readScalar(r, f.kind));
      } else list.push(readScalar(r, f.kind));
    }
  }
  if (r.pos !== end) throw new Error(`invalid wire format: a message ends at ${r.pos}, not ${end}`);
  return m;
}
