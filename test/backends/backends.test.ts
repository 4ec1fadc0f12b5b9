/**
 * The blob backends against local stand-ins that follow the documented contracts (no real
 * compile_tool, Docker daemon or network here): test/fixtures/backends/fake-compile-tool.mjs
 * checks compile_tool's flags and config rules, fake-docker.mjs the docker run arguments, and an
 * HTTP server on 127.0.0.1 the blobconverter API. Each backend: success, the documented
 * failures, a timeout, a missing tool, an invalid blob.
 */

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkBlob, readBlobHeader } from "../../src/backends/blob-header.js";
import { redactUrl } from "../../src/backends/blobconverter.js";
import { type CompileRequest, compileBlob, describeCompile } from "../../src/backends/compile.js";
import { myriadConfigText, validateCompileOptions } from "../../src/backends/compile-options.js";
import { explainToolOutput } from "../../src/backends/known-errors.js";
import { MyriadcError } from "../../src/util/errors.js";
import { CORPUS, corpusAvailable, REPO_ROOT } from "../support/corpus.js";

const FAKE_TOOL = join(REPO_ROOT, "test/fixtures/backends/fake-compile-tool.mjs");
const FAKE_DOCKER = join(REPO_ROOT, "test/fixtures/backends/fake-docker.mjs");
const dir = mkdtempSync(join(tmpdir(), "myriadc-backends-"));
const ir = { xml: join(dir, "model.xml"), bin: join(dir, "model.bin") };
writeFileSync(
  ir.xml,
  '<?xml version="1.0"?>\n<net name="m" version="11"><layers><layer id="0" name="x" type="Parameter" version="opset1"/></layers><edges/></net>\n',
);
writeFileSync(ir.bin, new Uint8Array(16));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  delete process.env.FAKE_COMPILE_TOOL_MODE;
  delete process.env.FAKE_DOCKER_NO_DAEMON;
});

/** A request with an environment that finds only what the test gives it. */
const request = (more: Partial<CompileRequest>): CompileRequest => ({
  ir,
  options: {},
  backend: "auto",
  cacheDir: null,
  env: { PATH: "" },
  ...more,
});

async function rejection(p: Promise<unknown>): Promise<MyriadcError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof MyriadcError) return e;
    throw e;
  }
  throw new Error("expected a failure");
}

function blobBytes(n = 4096): Uint8Array {
  const b = Buffer.alloc(n);
  b.writeUInt32LE(9709, 52);
  b.writeUInt32LE(n, 56);
  b.writeUInt32LE(2022, 60);
  b.writeUInt32LE(1, 64);
  return new Uint8Array(b);
}

describe("blob header check", () => {
  it.skipIf(!corpusAvailable)("accepts every real blob of the corpus (compile_tool and blobconverter output)", () => {
    const pairs = join(CORPUS, "openvino-ir/pairs");
    const blobs = readdirSync(pairs, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .flatMap((d) =>
        readdirSync(join(pairs, d))
          .filter((f) => f.endsWith(".blob"))
          .map((f) => join(pairs, d, f)),
      );
    expect(blobs.length).toBeGreaterThanOrEqual(6);
    for (const b of blobs) expect(checkBlob(new Uint8Array(readFileSync(b)), b).magic).toBe(9709);
  });
  it("refuses short files, a wrong magic number and a size beyond the file", () => {
    expect(() => checkBlob(new Uint8Array(40), "x")).toThrow(/too few/);
    const wrong = blobBytes();
    wrong[52] = 0;
    expect(() => checkBlob(wrong, "x")).toThrow(/magic number/);
    const truncated = blobBytes().slice(0, 1000);
    expect(() => checkBlob(truncated, "x")).toThrow(/header says 4096 bytes, the file has 1000/);
    expect(readBlobHeader(blobBytes())).toEqual({ magic: 9709, size: 4096, versionMajor: 2022, versionMinor: 1 });
  });
});

describe("compile options", () => {
  it("writes the config file blobconverter and compile_tool expect", () => {
    expect(myriadConfigText(validateCompileOptions({ shaves: 4, cmxSlices: 4, streams: 2 }))).toBe(
      "MYRIAD_NUMBER_OF_SHAVES 4\nMYRIAD_NUMBER_OF_CMX_SLICES 4\nMYRIAD_THROUGHPUT_STREAMS 2\nMYRIAD_ENABLE_MX_BOOT NO\n",
    );
    expect(myriadConfigText({})).toBe("MYRIAD_ENABLE_MX_BOOT NO\n");
  });
  it("refuses what the plugin or compile_tool would refuse", () => {
    expect(() => validateCompileOptions({ cmxSlices: 4 })).toThrow(/both or neither/);
    expect(validateCompileOptions({ shaves: 4 })).toEqual({ shaves: 4, cmxSlices: 4 });
    expect(() => validateCompileOptions({ shaves: 8, cmxSlices: 4 })).toThrow(/shaves ≤ CMX slices/);
    expect(() => validateCompileOptions({ shaves: 0, cmxSlices: 4 })).toThrow(/1 to 16/);
    expect(() => validateCompileOptions({ streams: 4 })).toThrow(/1 to 3/);
    expect(() => validateCompileOptions({ inputPrecision: "boolean" })).toThrow(/not a precision/);
    expect(() => validateCompileOptions({ ioPrecision: "input" })).toThrow(/name:PRECISION/);
    expect(validateCompileOptions({ inputPrecision: "u8", ioPrecision: "a:fp16, b:u8" })).toEqual({
      inputPrecision: "U8",
      ioPrecision: "a:FP16,b:U8",
    });
  });
});

describe("known compile_tool failures", () => {
  it("maps the documented texts to the layer and the fix", () => {
    expect(
      explainToolOutput('[ GENERAL_ERROR ] frontend.cpp:592 Failed to compile layer "Resize_230": unsupported layer type "Interpolate"'),
    ).toEqual([expect.objectContaining({ id: "unsupported-layer", node: "Resize_230", message: "MYRIAD has no layer for Interpolate" })]);
    expect(explainToolOutput("Stage node Floor_3 (Floor) types check error: input #0 has type S32, but FP16 is expected")).toEqual([
      expect.objectContaining({ id: "input-type", node: "Floor_3" }),
    ]);
    expect(explainToolOutput("Cannot create NonMaxSuppression layer NMS_1 id:40 from unsupported opset: opset9")).toEqual([
      expect.objectContaining({ id: "opset-too-new", node: "NMS_1", message: expect.stringContaining("opset9") }),
    ]);
    expect(explainToolOutput("Cannot load library 'libopenvino_intel_myriad_plugin.so'")[0]?.id).toBe("no-plugin");
    expect(explainToolOutput("all fine")).toEqual([]);
  });
});

describe("local backend (compile_tool)", () => {
  const local = (more: Partial<CompileRequest> = {}) => request({ backend: "local", compileTool: FAKE_TOOL, ...more });
  it("compiles with the documented flags and config", async () => {
    const r = await compileBlob(local({ options: { shaves: 6, cmxSlices: 6, streams: 1, inputPrecision: "U8", outputPrecision: "FP16" } }));
    expect([r.backend, r.blob.length, r.header.magic]).toEqual(["local", 4096, 9709]);
  });
  it("turns compile_tool's errors into a diagnostic naming the layer, exit 1", async () => {
    for (const [mode, text] of [
      ["unsupported", /layer "Resize_230": MYRIAD has no layer for Interpolate/],
      ["types", /layer "Greater_7": Greater computes in FP16 but input #0 is S32/],
      ["opset", /layer "Resize_230": the IR uses Interpolate from opset11/],
    ] as const) {
      process.env.FAKE_COMPILE_TOOL_MODE = mode;
      const e = await rejection(compileBlob(local()));
      expect([e.code, e.exitCode]).toEqual(["compile-failed", 1]);
      expect(e.message).toMatch(text);
      expect(e.details).toContain("OpenVINO Runtime version");
    }
  });
  it("stops a compiler that runs too long", async () => {
    process.env.FAKE_COMPILE_TOOL_MODE = "sleep";
    const e = await rejection(compileBlob(local({ timeoutMs: 500 })));
    expect(e.code).toBe("timeout");
  });
  it("refuses an invalid or missing blob", async () => {
    process.env.FAKE_COMPILE_TOOL_MODE = "bad-blob";
    expect((await rejection(compileBlob(local()))).message).toMatch(/not a MYRIAD blob/);
    process.env.FAKE_COMPILE_TOOL_MODE = "no-blob";
    expect((await rejection(compileBlob(local()))).message).toMatch(/wrote no blob/);
  });
  it("finds the tool by MYRIADC_COMPILE_TOOL or $INTEL_OPENVINO_DIR, and says where it looked", async () => {
    expect((await compileBlob(request({ env: { PATH: "", MYRIADC_COMPILE_TOOL: FAKE_TOOL } }))).backend).toBe("local");
    const e = await rejection(compileBlob(request({ backend: "local", env: { PATH: "", INTEL_OPENVINO_DIR: "/nowhere" } })));
    expect([e.code, e.exitCode]).toEqual(["tool-not-found", 2]);
    expect(e.message).toContain("/nowhere/tools/compile_tool/compile_tool");
    expect((await rejection(compileBlob(request({ backend: "local", compileTool: join(dir, "missing") })))).message).toMatch(
      /no executable file there/,
    );
  });
  it("prints a command a person can paste", () => {
    const { text } = describeCompile(local({ options: { shaves: 4, cmxSlices: 4, inputPrecision: "U8" } }), join(dir, "out.blob"));
    expect(text).toBe(
      `cat > ${dir}/myriad.conf <<'EOF'\nMYRIAD_NUMBER_OF_SHAVES 4\nMYRIAD_NUMBER_OF_CMX_SLICES 4\nMYRIAD_ENABLE_MX_BOOT NO\nEOF\n${FAKE_TOOL} -m ` +
        `${ir.xml} -d MYRIAD -o ${dir}/out.blob -c ${dir}/myriad.conf -ip U8\n`,
    );
  });
});

describe("docker backend", () => {
  const docker = (more: Partial<CompileRequest> = {}) =>
    request({ backend: "docker", env: { PATH: "", MYRIADC_DOCKER: FAKE_DOCKER, FAKE_COMPILE_TOOL: FAKE_TOOL }, ...more });
  beforeAll(() => {
    process.env.FAKE_COMPILE_TOOL = FAKE_TOOL;
  });
  it("runs compile_tool in a 2022.3.1 image with the model mounted read-only", async () => {
    const r = await compileBlob(docker({ options: { shaves: 4, cmxSlices: 8 } }));
    expect([r.backend, r.header.magic]).toEqual(["docker", 9709]);
  });
  it("reports the compiler's failure at the layer, and docker's own failures as set-up problems", async () => {
    process.env.FAKE_COMPILE_TOOL_MODE = "types";
    expect((await rejection(compileBlob(docker()))).message).toMatch(/layer "Greater_7"/);
    delete process.env.FAKE_COMPILE_TOOL_MODE;
    process.env.FAKE_DOCKER_NO_DAEMON = "1";
    const e = await rejection(compileBlob(docker()));
    expect([e.code, e.message]).toEqual(["tool-not-found", expect.stringMatching(/Cannot connect to the Docker daemon/)]);
    delete process.env.FAKE_DOCKER_NO_DAEMON;
    expect((await rejection(compileBlob(docker({ dockerImage: "openvino/ubuntu20_dev:2022.3.0" })))).message).toMatch(
      /Unable to find image/,
    );
  });
  it("times out, refuses invalid blobs, and says when docker is missing", async () => {
    process.env.FAKE_COMPILE_TOOL_MODE = "sleep";
    expect((await rejection(compileBlob(docker({ timeoutMs: 800 })))).code).toBe("timeout");
    process.env.FAKE_COMPILE_TOOL_MODE = "bad-blob";
    expect((await rejection(compileBlob(docker()))).message).toMatch(/not a MYRIAD blob/);
    expect((await rejection(compileBlob(request({ backend: "docker" })))).message).toMatch(/docker not found/);
  });
  it("auto never uploads: without compile_tool or docker it stops and names the options", async () => {
    const e = await rejection(compileBlob(request({ backend: "auto" })));
    expect(e.message).toMatch(/--backend blobconverter \(uploads the model/);
  });
});

/** A local stand-in of the blobconverter service: parses the multipart request like Flask would. */
describe("blobconverter backend", () => {
  let server: Server;
  let url = "";
  let mode = "ok";
  let hits = 0;
  let authorization: string | undefined;
  const seen: { query: URLSearchParams; fields: Record<string, string>; files: Record<string, number>; config: string }[] = [];
  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((r) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", () => r(Buffer.concat(chunks)));
    });
  beforeAll(async () => {
    server = createServer(async (req, res) => {
      hits++;
      authorization = req.headers.authorization;
      const u = new URL(req.url!, "http://x");
      const raw = await body(req);
      if (mode === "hang") return; // never answers
      if (req.method !== "POST" || u.pathname !== "/compile") return void res.writeHead(404).end("not found");
      const form = await new Response(raw, { headers: { "content-type": req.headers["content-type"]! } }).formData();
      const fields: Record<string, string> = {};
      const files: Record<string, number> = {};
      let config = "";
      for (const [k, v] of form) {
        if (typeof v === "string") fields[k] = v;
        else {
          files[k] = v.size;
          if (k === "config") config = await v.text();
        }
      }
      seen.push({ query: u.searchParams, fields, files, config });
      if (!fields.name || !config)
        return void res.writeHead(400, { "content-type": "text/plain" }).end('File named "config" must be present in the request form');
      if (mode === "flaky" && hits === 1) return void res.writeHead(503).end("busy");
      if (mode === "fail") {
        const stderr = 'Failed to compile layer "Sin_4": unsupported layer type "Sin"';
        return void res.writeHead(400, { "content-type": "application/json" }).end(
          JSON.stringify({
            message: "Command failed with exit code 1, command: /opt/intel/openvino/tools/compile_tool/compile_tool -m ...",
            stderr,
            stdout: "",
            exit_code: 1,
          }),
        );
      }
      if (mode === "bad") return void res.writeHead(200).end("<html>not a blob</html>".padEnd(100, " "));
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(Buffer.from(blobBytes()));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://user:secret@127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });
  const bc = (more: Partial<CompileRequest> = {}) => request({ backend: "blobconverter", blobconverterUrl: url, ...more });
  const reset = (m: string) => {
    mode = m;
    hits = 0;
    seen.length = 0;
  };

  it("posts the documented form and gets a blob", async () => {
    reset("ok");
    const r = await compileBlob(bc({ options: { shaves: 5, inputPrecision: "U8" } }));
    expect(authorization).toBe(`Basic ${Buffer.from("user:secret").toString("base64")}`);
    expect(r.header.versionMajor).toBe(2022);
    const s = seen[0]!;
    expect(Object.fromEntries(s.query)).toEqual({ version: "2022.1", no_cache: "false" });
    expect(s.fields).toEqual({ name: "model", myriad_shaves: "5", data_type: "FP16", myriad_params_advanced: "-ip U8" });
    expect(Object.keys(s.files).sort()).toEqual(["config", "model.bin", "model.xml"]);
    expect(s.config).toContain("framework: dldt");
    expect(s.config).toContain("url: $REQUEST/model.xml");
  });
  it("reads the 400 JSON of a failed compile as a diagnostic at the layer", async () => {
    reset("fail");
    const e = await rejection(compileBlob(bc()));
    expect([e.code, e.message]).toEqual(["compile-failed", expect.stringMatching(/layer "Sin_4": MYRIAD has no layer for Sin/)]);
    reset("ok");
    const noConfig = await fetch(`${url.replace("user:secret@", "")}/compile`, { method: "POST", body: new FormData() });
    expect(noConfig.status).toBe(400); // the stand-in refuses requests the real service refuses
  });
  it("retries a 5xx answer with backoff", async () => {
    reset("flaky");
    const logs: string[] = [];
    await compileBlob(bc({ log: (l) => logs.push(l) }));
    expect(hits).toBe(2);
    expect(logs.join("\n")).toMatch(/HTTP 503; retrying/);
    expect(logs.join("\n")).not.toContain("secret");
  }, 10_000);
  it("times out, refuses an invalid blob, and never shows credentials", async () => {
    reset("hang");
    const e = await rejection(compileBlob(bc({ timeoutMs: 500 })));
    expect(e.code).toBe("timeout");
    expect(e.message).not.toContain("secret");
    reset("bad");
    expect((await rejection(compileBlob(bc()))).message).toMatch(/not a MYRIAD blob|too few/);
    expect(redactUrl("https://me:pw@example.com/x")).toBe("https://example.com/x");
  });
  it("caches by request and files: the second compile does not call the service", async () => {
    reset("ok");
    const cacheDir = join(dir, "cache");
    await compileBlob(bc({ cacheDir }));
    await compileBlob(bc({ cacheDir }));
    expect(hits).toBe(1);
    expect(existsSync(cacheDir)).toBe(true);
    await compileBlob(bc({ cacheDir, options: { shaves: 4, cmxSlices: 4 } }));
    expect(hits).toBe(2);
  });
  it("refuses what the service cannot do before uploading anything", async () => {
    reset("ok");
    expect((await rejection(compileBlob(bc({ options: { shaves: 4, cmxSlices: 8 } })))).message).toMatch(/--cmx-slices/);
    expect((await rejection(compileBlob(bc({ options: { streams: 2 } })))).message).toMatch(/--streams/);
    const newer = join(dir, "new.xml");
    writeFileSync(newer, '<net><layers><layer id="0" type="IsNaN" version="opset10"/></layers></net>');
    writeFileSync(join(dir, "new.bin"), "");
    expect((await rejection(compileBlob(bc({ ir: { xml: newer, bin: join(dir, "new.bin") } })))).message).toMatch(/up to opset8.*opset10/);
    expect(hits).toBe(0);
  });
});
