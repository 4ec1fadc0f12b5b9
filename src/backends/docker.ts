/**
 * The Docker backend: compile_tool inside an OpenVINO 2022.3.1+ image (2022.3.0 shipped
 * without the MYRIAD plugin — shared/docs/myriadx-target.md §0), with the model's folder
 * mounted read-only and a scratch folder for the config and the blob mounted writable.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { MyriadcError } from "../util/errors.js";
import { type CompileOptions, compileToolArgs, myriadConfigText } from "./compile-options.js";
import type { IrFiles } from "./local.js";
import { type CompilerRun, runCompiler } from "./run-compiler.js";

export const DEFAULT_DOCKER_IMAGE = "openvino/ubuntu20_dev:2022.3.1";
/** Where OpenVINO images keep compile_tool ($INTEL_OPENVINO_DIR=/opt/intel/openvino). */
export const TOOL_IN_IMAGE = "/opt/intel/openvino/tools/compile_tool/compile_tool";

export interface DockerSetup {
  docker: string;
  image: string;
}

/** The docker command line: `outDir` (mounted at /out) holds myriad.conf and receives `blobName`. */
export function dockerCommand(setup: DockerSetup, ir: IrFiles, outDir: string, o: CompileOptions, blobName = "model.blob"): string[] {
  const modelDir = resolve(dirname(ir.xml));
  const user = typeof process.getuid === "function" ? ["--user", `${process.getuid()}:${process.getgid!()}`] : [];
  return [
    setup.docker,
    "run",
    "--rm",
    ...user,
    "-v",
    `${modelDir}:/model:ro`,
    "-v",
    `${resolve(outDir)}:/out`,
    setup.image,
    TOOL_IN_IMAGE,
    ...compileToolArgs(`/model/${basename(ir.xml)}`, `/out/${blobName}`, "/out/myriad.conf", o),
  ];
}

/**
 * `docker run` exits 125 when docker itself fails (no daemon, unknown image, bad mount) and
 * 126/127 when the command in the image cannot run: problems of the set-up, not of the model.
 */
function dockerFailure(code: number | null, output: string): MyriadcError | undefined {
  if (code !== 125 && code !== 126 && code !== 127) return undefined;
  const said =
    output
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => /^docker:|error/i.test(l)) ?? `exit code ${code}`;
  const hint =
    code === 125
      ? "check that the Docker daemon runs and the image exists (--docker-image)"
      : `the image has no ${TOOL_IN_IMAGE}; use an OpenVINO 2022.3.1 dev image`;
  return new MyriadcError("tool-not-found", `docker could not run the compiler: ${said.replace(/^docker:\s*/, "")} (${hint})`, {
    details: output,
  });
}

export async function compileDocker(setup: DockerSetup, ir: IrFiles, o: CompileOptions, run: CompilerRun): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "myriadc-docker-"));
  try {
    writeFileSync(join(dir, "myriad.conf"), myriadConfigText(o));
    const [command, ...args] = dockerCommand(setup, ir, dir, o);
    return await runCompiler(`compile_tool (docker ${setup.image})`, command!, args, join(dir, "model.blob"), {
      ...run,
      wrapperFailure: dockerFailure,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
