/**
 * The core imports no `node:` module: bundling its browser entry for the browser platform
 * fails on any (esbuild cannot resolve node:fs there), and the bundle's inputs are checked
 * too, so a Node built-in imported without the prefix is caught as well.
 */
import { builtinModules } from "node:module";
import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/corpus.js";

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

describe("the node-free core", () => {
  for (const entry of ["src/browser.ts", "web/app/main.ts", "web/viewer/main.ts"]) {
    it(`${entry} bundles for the browser with no Node built-in`, async () => {
      const result = await build({
        entryPoints: [join(REPO_ROOT, entry)],
        bundle: true,
        platform: "browser",
        format: "esm",
        write: false,
        metafile: true,
        logLevel: "silent",
        loader: { ".css": "text" },
      });
      expect(result.errors).toEqual([]);
      const imported = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
      expect(imported.filter((p) => NODE_BUILTINS.has(p))).toEqual([]);
      const sources = Object.keys(result.metafile.inputs).filter((p) => p.startsWith("src/"));
      // File access and process spawning live in the CLI, the backends' runners and load-model.ts only.
      const nodeSide = /^src\/(cli\/|io\/|frontends\/load-model\.ts|backends\/(?!compile-options\.ts))/;
      expect(sources.filter((p) => nodeSide.test(p))).toEqual([]);
    });
  }
});
