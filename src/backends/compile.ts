/**
 * IR → blob through one of three backends: `local` (compile_tool here), `docker` (compile_tool
 * in an OpenVINO 2022.3.1 image) or `blobconverter` (Luxonis' web service, which uploads the
 * model). `auto` picks local, then docker, and never uploads a model on its own.
 */

import { basename, dirname, join, resolve } from "node:path";
import { MyriadcError } from "../util/errors.js";
import { type BlobHeader, checkBlob } from "./blob-header.js";
import {
  blobconverterRequest,
  compileBlobconverter,
  DEFAULT_BLOBCONVERTER_URL,
  DEFAULT_BLOBCONVERTER_VERSION,
  defaultCacheDir,
  describeRequest,
} from "./blobconverter.js";
import { type CompileOptions, myriadConfigText, shellQuote, validateCompileOptions } from "./compile-options.js";
import { compileDocker, DEFAULT_DOCKER_IMAGE, dockerCommand } from "./docker.js";
import { compileLocal, type IrFiles, localCommand } from "./local.js";
import { locateCompileTool, onPath } from "./locate.js";

export type BackendName = "local" | "docker" | "blobconverter";

export interface CompileRequest {
  ir: IrFiles;
  options: CompileOptions;
  backend: BackendName | "auto";
  compileTool?: string;
  dockerImage?: string;
  blobconverterUrl?: string;
  blobconverterVersion?: string;
  timeoutMs?: number;
  /** undefined = the default cache folder; null = no cache. */
  cacheDir?: string | null;
  env?: NodeJS.ProcessEnv;
  onOutput?: (text: string) => void;
  log?: (line: string) => void;
}

const DEFAULT_TIMEOUT_MS = 10 * 60 * 1000;

interface Resolved {
  backend: BackendName;
  tool?: string;
  docker?: string;
}

function dockerExecutable(env: NodeJS.ProcessEnv): string | undefined {
  return env.MYRIADC_DOCKER || onPath("docker", env);
}

function resolveBackend(req: CompileRequest): Resolved {
  const env = req.env ?? process.env;
  if (req.backend === "local" || req.backend === "auto") {
    const found = locateCompileTool(req.compileTool, env);
    if (found.path) return { backend: "local", tool: found.path };
    if (req.backend === "local") {
      throw new MyriadcError(
        "tool-not-found",
        `compile_tool not found (looked at: ${found.tried.join(", ")}); install OpenVINO 2022.3.1 and pass --compile-tool PATH, or use --backend ` +
          `docker or --backend blobconverter`,
      );
    }
  }
  if (req.backend === "docker" || req.backend === "auto") {
    const docker = dockerExecutable(env);
    if (docker) return { backend: "docker", docker };
    if (req.backend === "docker") throw new MyriadcError("tool-not-found", "docker not found on PATH (or set MYRIADC_DOCKER)");
    throw new MyriadcError(
      "tool-not-found",
      "no compile_tool (--compile-tool, MYRIADC_COMPILE_TOOL, $INTEL_OPENVINO_DIR, PATH) and no docker found; install OpenVINO 2022.3.1 or Docker, or " +
        "use --backend blobconverter (uploads the model to Luxonis' service)",
    );
  }
  return { backend: "blobconverter" };
}

function blobconverterSetup(req: CompileRequest) {
  return {
    url: req.blobconverterUrl ?? DEFAULT_BLOBCONVERTER_URL,
    version: req.blobconverterVersion ?? DEFAULT_BLOBCONVERTER_VERSION,
    timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    attempts: 3,
    backoffMs: 1000,
    cacheDir: req.cacheDir === null ? undefined : (req.cacheDir ?? defaultCacheDir(req.env ?? process.env)),
    ...(req.log ? { log: req.log } : {}),
  };
}

/** A shell line that writes the config file, so the printed commands can be pasted as they are. */
function writeConfigLine(path: string, text: string): string {
  return `cat > ${shellQuote([path])} <<'EOF'\n${text}EOF\n`;
}

/**
 * What would run for a blob at `output`: shell lines a person can paste (the config file,
 * then the command), or the HTTP request for blobconverter.
 */
export function describeCompile(req: CompileRequest, output: string): { backend: BackendName; text: string } {
  const options = validateCompileOptions(req.options);
  const r = resolveBackend(req);
  const dir = dirname(resolve(output));
  const config = join(dir, "myriad.conf");
  if (r.backend === "local")
    return {
      backend: "local",
      text: `${writeConfigLine(config, myriadConfigText(options))}${shellQuote(localCommand(r.tool!, req.ir, resolve(output), config, options))}\n`,
    };
  if (r.backend === "docker") {
    const cmd = dockerCommand(
      { docker: r.docker!, image: req.dockerImage ?? DEFAULT_DOCKER_IMAGE },
      req.ir,
      dir,
      options,
      basename(output),
    );
    return { backend: "docker", text: `${writeConfigLine(config, myriadConfigText(options))}${shellQuote(cmd)}\n` };
  }
  return { backend: "blobconverter", text: describeRequest(blobconverterRequest(req.ir, options, blobconverterSetup(req))) };
}

export async function compileBlob(req: CompileRequest): Promise<{ backend: BackendName; blob: Uint8Array; header: BlobHeader }> {
  const options = validateCompileOptions(req.options);
  const r = resolveBackend(req);
  const run = { timeoutMs: req.timeoutMs ?? DEFAULT_TIMEOUT_MS, ...(req.onOutput ? { onOutput: req.onOutput } : {}) };
  const blob =
    r.backend === "local"
      ? await compileLocal(r.tool!, req.ir, options, run)
      : r.backend === "docker"
        ? await compileDocker({ docker: r.docker!, image: req.dockerImage ?? DEFAULT_DOCKER_IMAGE }, req.ir, options, run)
        : await compileBlobconverter(req.ir, options, blobconverterSetup(req));
  return { backend: r.backend, blob, header: checkBlob(blob, r.backend) };
}
