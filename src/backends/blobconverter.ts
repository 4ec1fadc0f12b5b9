/**
 * The blobconverter backend: Luxonis' web service (shared/docs/myriadx-target.md §6).
 * POST {url}/compile?version=…&no_cache=… as multipart form: `name`, `myriad_shaves`,
 * `myriad_params_advanced` (compile_tool flags, split on spaces by the server), `data_type`,
 * a `config` file (an Open Model Zoo model.yml for framework `dldt` listing the IR files as
 * `$REQUEST/<file>`), and the .xml/.bin keyed by file name. Success returns the blob; a failed
 * compile is HTTP 400 with JSON {message, stderr, stdout, exit_code}. Results are cached by a
 * hash of the request and the files; network errors and 5xx answers are retried with backoff.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";
import { MyriadcError } from "../util/errors.js";
import { checkBlob } from "./blob-header.js";
import { advancedParams, type CompileOptions } from "./compile-options.js";
import { explainToolOutput } from "./known-errors.js";
import type { IrFiles } from "./local.js";
import { failureMessage } from "./run-compiler.js";

export const DEFAULT_BLOBCONVERTER_URL = "https://blobconverter.luxonis.com";
/** The service compiles MYRIAD blobs with OpenVINO 2022.1 at most (its 2022.3 build targets RVC3). */
export const DEFAULT_BLOBCONVERTER_VERSION = "2022.1";
/** The newest opset the IR reader of each service version knows. */
const NEWEST_OPSET: Record<string, number> = { "2022.1": 8, "2021.4": 7, "2021.3": 6, "2021.2": 5, "2021.1": 5, "2020.4": 4 };

export interface BlobconverterSetup {
  url: string;
  version: string;
  timeoutMs: number;
  /** Attempts for network errors and 5xx answers (1 = no retry). */
  attempts: number;
  /** First backoff delay; doubles per retry. */
  backoffMs: number;
  /** Where blobs are cached; undefined = no cache. */
  cacheDir: string | undefined;
  log?: (line: string) => void;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), ".cache"), "myriadc", "blobconverter");
}

/** A URL fit for messages: user name and password removed. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString().replace(/\/$/, "");
  } catch {
    return "<invalid URL>";
  }
}

/** A URL's user:password moved into a Basic Authorization header (fetch refuses them in URLs). */
function withoutCredentials(raw: string): { url: string; headers: Record<string, string> } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: raw, headers: {} };
  const auth = Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64");
  u.username = "";
  u.password = "";
  return { url: u.toString(), headers: { authorization: `Basic ${auth}` } };
}

/** Removes any credentials of `url` from a message. */
function scrub(message: string, url: string): string {
  try {
    const u = new URL(url);
    let m = message;
    for (const secret of [u.password, u.username].filter(Boolean)) m = m.split(secret).join("***");
    return m;
  } catch {
    return message;
  }
}

/** File names the service accepts: at most one '.', no '='. */
function safeStem(xml: string): string {
  const base = xml
    .split(/[\\/]/)
    .pop()!
    .replace(/\.xml$/i, "");
  return base.replace(/[.=\s]/g, "_") || "model";
}

export interface BlobconverterRequest {
  url: string;
  fields: Record<string, string>;
  files: { field: string; name: string; bytes: Uint8Array }[];
}

function modelYml(stem: string, dataType: string): string {
  const entry = (ext: string) => `- name: ${dataType}/${stem}.${ext}\n  source:\n    $type: http\n    url: $REQUEST/${stem}.${ext}\n`;
  return `task_type: detection\nframework: dldt\nfiles:\n${entry("xml")}${entry("bin")}`;
}

/** Refuses options the service cannot express and IRs newer than its reader. */
function checkSupported(ir: IrFiles, xmlText: string, o: CompileOptions, version: string): void {
  if (o.cmxSlices !== undefined && o.cmxSlices !== o.shaves)
    throw new MyriadcError(
      "usage",
      "--cmx-slices: blobconverter always uses as many CMX slices as shaves; use the local or docker backend to set them apart",
    );
  if (o.streams !== undefined && o.streams !== 1)
    throw new MyriadcError("usage", "--streams: blobconverter always compiles for 1 stream; use the local or docker backend");
  const newest = NEWEST_OPSET[version];
  const used = Math.max(0, ...[...xmlText.matchAll(/version="opset(\d+)"/g)].map((m) => Number(m[1])));
  if (newest !== undefined && used > newest) {
    throw new MyriadcError(
      "usage",
      `blobconverter ${version} reads IR ops up to opset${newest}, and this IR uses opset${used} layers (compile_tool would say "from unsupported ` +
        `opset: opset${used}"); compile with the local or docker backend (OpenVINO 2022.3.1)`,
      { file: ir.xml },
    );
  }
}

export function blobconverterRequest(
  ir: IrFiles,
  o: CompileOptions,
  setup: Pick<BlobconverterSetup, "url" | "version">,
): BlobconverterRequest {
  const xml = new Uint8Array(readFileSync(ir.xml));
  const bin = existsSync(ir.bin) ? new Uint8Array(readFileSync(ir.bin)) : new Uint8Array();
  checkSupported(ir, new TextDecoder().decode(xml), o, setup.version);
  const stem = safeStem(ir.xml);
  const dataType = "FP16";
  const fields: Record<string, string> = { name: stem, myriad_shaves: String(o.shaves ?? 6), data_type: dataType };
  const advanced = advancedParams(o);
  // Without the field the service applies its own default (-ip U8).
  if (advanced) fields.myriad_params_advanced = advanced;
  const query = new URLSearchParams({ version: setup.version, no_cache: "false" });
  return {
    url: `${setup.url.replace(/\/$/, "")}/compile?${query}`,
    fields,
    files: [
      { field: "config", name: "model.yml", bytes: new TextEncoder().encode(modelYml(stem, dataType)) },
      { field: `${stem}.xml`, name: `${stem}.xml`, bytes: xml },
      { field: `${stem}.bin`, name: `${stem}.bin`, bytes: bin },
    ],
  };
}

/** What --dry-run prints: the request without file bytes. */
export function describeRequest(req: BlobconverterRequest): string {
  const lines = [`POST ${redactUrl(req.url)}`, "Content-Type: multipart/form-data"];
  for (const [k, v] of Object.entries(req.fields)) lines.push(`  field ${k}=${v}`);
  for (const f of req.files) lines.push(`  file  ${f.field} (${f.name}, ${f.bytes.length} bytes)`);
  const config = req.files.find((f) => f.field === "config");
  if (config)
    lines.push(
      "model.yml:",
      ...new TextDecoder()
        .decode(config.bytes)
        .trimEnd()
        .split("\n")
        .map((l) => `  ${l}`),
    );
  return `${lines.join("\n")}\n`;
}

function cacheKey(req: BlobconverterRequest): string {
  const h = createHash("sha256").update(JSON.stringify({ url: redactUrl(req.url), fields: req.fields }));
  for (const f of req.files) h.update(f.field).update(f.bytes);
  return h.digest("hex");
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A 400 answer: the service's JSON {message, stderr, stdout, exit_code}, or plain text. */
async function failure(res: Response): Promise<MyriadcError> {
  const text = await res.text();
  let body: { message?: string; stderr?: string; stdout?: string; exit_code?: number } | undefined;
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = undefined;
  }
  if (!body || typeof body !== "object")
    return new MyriadcError("compile-failed", `blobconverter refused the request: ${text.trim().split("\n")[0] || "HTTP 400"}`, {
      details: text,
    });
  const output = `${body.stdout ?? ""}\n${body.stderr ?? ""}`;
  const fallback = `${(body.message ?? "").replace(/, command:.*$/s, "")}${body.exit_code !== undefined ? ` (exit code ${body.exit_code})` : ""}`;
  return new MyriadcError("compile-failed", failureMessage("blobconverter", explainToolOutput(output), fallback), {
    details: `${body.message ?? ""}\n${output}`,
  });
}

export async function compileBlobconverter(ir: IrFiles, o: CompileOptions, setup: BlobconverterSetup): Promise<Uint8Array> {
  const req = blobconverterRequest(ir, o, setup);
  const key = cacheKey(req);
  const cached = setup.cacheDir ? join(setup.cacheDir, `${key}.blob`) : undefined;
  if (cached && existsSync(cached)) {
    const bytes = new Uint8Array(readFileSync(cached));
    try {
      checkBlob(bytes, cached);
      setup.log?.(`blobconverter: using the cached blob ${cached}`);
      return bytes;
    } catch {
      setup.log?.(`blobconverter: the cached blob ${cached} is invalid; asking the service again`);
    }
  }
  const where = redactUrl(setup.url);
  let lastProblem = "";
  for (let attempt = 1; attempt <= setup.attempts; attempt++) {
    if (attempt > 1) {
      const wait = setup.backoffMs * 2 ** (attempt - 2);
      setup.log?.(`blobconverter: ${lastProblem}; retrying in ${wait} ms (attempt ${attempt} of ${setup.attempts})`);
      await sleep(wait);
    }
    const form = new FormData();
    for (const [k, v] of Object.entries(req.fields)) form.append(k, v);
    for (const f of req.files) form.append(f.field, new Blob([f.bytes]), f.name);
    let res: Response;
    try {
      const { url, headers } = withoutCredentials(req.url);
      res = await fetch(url, { method: "POST", body: form, headers, signal: AbortSignal.timeout(setup.timeoutMs) });
    } catch (e) {
      const err = e as Error;
      if (err.name === "TimeoutError")
        throw new MyriadcError("timeout", `blobconverter at ${where} did not answer within ${Math.round(setup.timeoutMs / 1000)} s`);
      // Error texts may quote the URL: never pass credentials on.
      lastProblem = `cannot reach ${where} (${scrub((err.cause as Error | undefined)?.message ?? err.message, req.url)})`;
      continue;
    }
    if (res.status >= 500) {
      lastProblem = `${where} answered HTTP ${res.status}`;
      await res.arrayBuffer().catch(() => undefined);
      continue;
    }
    if (res.status === 400) throw await failure(res);
    if (!res.ok) throw new MyriadcError("network", `blobconverter at ${where} answered HTTP ${res.status} ${res.statusText}`);
    const blob = new Uint8Array(await res.arrayBuffer());
    checkBlob(blob, `blobconverter answer from ${where}`);
    if (cached) {
      mkdirSync(setup.cacheDir!, { recursive: true });
      writeFileAtomic(cached, blob);
    }
    return blob;
  }
  throw new MyriadcError("network", `blobconverter: ${lastProblem} after ${setup.attempts} attempts`);
}
