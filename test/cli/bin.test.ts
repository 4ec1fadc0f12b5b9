/**
 * The installed executable, run as a user runs it: a fresh build (tsc, then the bundle the
 * package's `bin` names, dist/myriadc.mjs, and the bundle it runs), then `node <bin>` in a child process (exit codes,
 * stdout/stderr, the README's example command, a report beside the bundle's viewer).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";
import { REPO_ROOT } from "../support/corpus.js";

const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string; bin: Record<string, string> };
const bin = join(REPO_ROOT, pkg.bin.myriadc!);

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: REPO_ROOT, encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe("myriadc executable", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", join(REPO_ROOT, "tsconfig.build.json")], {
      stdio: "inherit",
    });
    execFileSync(process.execPath, [join(REPO_ROOT, "scripts/build-cli.mjs")], { stdio: "inherit" });
  }, 120_000);

  describe("start-up through V8's code cache (the launcher, scripts/cli-launcher.mjs)", () => {
    /** The executable's three files copied to a private folder, so that spoiling its cache disturbs no other test. */
    function privateCopy(): string {
      const dir = mkdtempSync(join(tmpdir(), "myriadc-launcher-"));
      for (const f of ["myriadc.mjs", "myriadc.cjs", "myriadc.cache"]) cpSync(join(REPO_ROOT, "dist", f), join(dir, f));
      return dir;
    }
    function start(dir: string) {
      const r = spawnSync(process.execPath, [join(dir, "myriadc.mjs"), "--version"], {
        encoding: "utf8",
        env: { ...process.env, MYRIADC_CODE_CACHE_REPORT: "1" },
      });
      return { code: r.status, out: r.stdout.trim(), cache: /^code cache: (\w+)$/m.exec(r.stderr)?.[1] };
    }

    it("uses the cache the build wrote", () => {
      expect(start(join(REPO_ROOT, "dist"))).toEqual({ code: 0, out: pkg.version, cache: "used" });
    });

    it("ignores a cache made from another bundle (its first line names the bundle it was made from)", () => {
      const dir = privateCopy();
      try {
        const cache = readFileSync(join(dir, "myriadc.cache"));
        cache.writeUInt8(cache.readUInt8(cache.indexOf(0x0a) - 1) ^ 1, cache.indexOf(0x0a) - 1); // one character of the bundle's hash
        writeFileSync(join(dir, "myriadc.cache"), cache);
        expect(start(dir)).toEqual({ code: 0, out: pkg.version, cache: "none" });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("runs without a cache V8 rejects, and without any cache", () => {
      const dir = privateCopy();
      try {
        const cache = readFileSync(join(dir, "myriadc.cache"));
        const header = cache.subarray(0, cache.indexOf(0x0a) + 1);
        writeFileSync(join(dir, "myriadc.cache"), Buffer.concat([header, Buffer.alloc(4096, 7)]));
        expect(start(dir)).toEqual({ code: 0, out: pkg.version, cache: "rejected" });
        rmSync(join(dir, "myriadc.cache"));
        expect(start(dir)).toEqual({ code: 0, out: pkg.version, cache: "none" });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("stops quietly when its reader closes the pipe before the first line (| head -0)", async () => {
    const child = spawn(process.execPath, [bin, "inspect", "examples/gaussian_blur.onnx"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    const code = await new Promise((done) => child.on("close", done));
    expect(err).toBe("");
    expect(code).toBe(0);
  });

  it("is the bundle (one file to load at start), and writes a report with the viewer built beside it", () => {
    expect(pkg.bin.myriadc).toBe("dist/myriadc.mjs");
    const dir = mkdtempSync(join(tmpdir(), "myriadc-bin-report-"));
    try {
      const r = spawnSync(process.execPath, [bin, "report", "examples/gaussian_blur.onnx", "-o", join(dir, "blur.html")], {
        cwd: REPO_ROOT,
        encoding: "utf8",
      });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(join(dir, "blur.html"), "utf8")).toContain("<script");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs the README example", () => {
    // The README's first command, exactly: `npx myriadc convert examples/gaussian_blur.onnx -o out/blur.xml`,
    // with out/ in a fresh folder (it does not exist beforehand, and convert creates it).
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const line = /^npm ci && npx myriadc (convert .*)$/m.exec(readme)?.[1];
    expect(line).toBe("convert examples/gaussian_blur.onnx -o out/blur.xml");
    const cwd = mkdtempSync(join(tmpdir(), "myriadc-readme-"));
    try {
      cpSync(join(REPO_ROOT, "examples"), join(cwd, "examples"), { recursive: true });
      const r = spawnSync(process.execPath, [bin, ...line!.split(" ")], { cwd, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^out\/blur\.xml \(\+ out\/blur\.bin\): 7 layers/);
      expect(r.stdout).toMatch(/no problems left for MYRIAD/);
      expect(readFileSync(join(cwd, "out/blur.xml"), "utf8")).toMatch(/<net name=.* version="11"/);
      expect(existsSync(join(cwd, "out/blur.bin"))).toBe(true);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it("inspects the example", () => {
    const r = run("inspect", "examples/gaussian_blur.onnx");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/gaussian_blur\.onnx/);
    expect(r.out).toMatch(/opsets\s+ai\.onnx 12/);
    expect(r.out).toMatch(/Conv/);
  });

  it("prints JSON that parses", () => {
    const r = run("inspect", "examples/gaussian_blur.onnx", "--json");
    expect(r.code).toBe(0);
    const s = JSON.parse(r.out);
    expect(s.opsets).toEqual({ "": 12 });
    expect(s.inputs).toEqual([{ name: "input_0", dtype: "float32", shape: [1, 3, 300, 300] }]);
  });

  it("exits 2 with one line for a missing file", () => {
    const r = run("inspect", "does/not/exist.onnx");
    expect(r.code).toBe(2);
    expect(r.out).toBe("");
    expect(r.err.trimEnd().split("\n")).toEqual(["myriadc: error: does/not/exist.onnx: no such file"]);
  });

  it("a usage error is one `myriadc: error:` line, exit 2, like every other error", () => {
    for (const [args, message] of [
      [["inspect", "-model.onnx"], "unknown option '-model.onnx' (see myriadc inspect --help)"],
      [["convert", "examples/gaussian_blur.onnx"], "required option '-o, --output <file.xml>' not specified (see myriadc convert --help)"],
      [["inspect"], "missing required argument 'model' (see myriadc inspect --help)"],
      [["frobnicate"], "unknown command 'frobnicate' (see myriadc --help)"],
    ] as const) {
      const r = run(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toBe("");
      expect(r.err).toBe(`myriadc: error: ${message}\n`);
    }
  });

  it("exits 2 on a usage error and 0 on --help", () => {
    expect(run("inspect").code).toBe(2);
    const help = run("--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/Usage: myriadc/);
  });

  it("--version matches package.json", () => {
    expect(VERSION).toBe(pkg.version);
    expect(run("--version").out.trim()).toBe(pkg.version);
  });
});
