/**
 * The bench's models, generated in TypeScript into a scratch folder (.bench-out/, git-
 * ignored) on first use and reused afterwards: nothing is downloaded and nothing big is
 * committed. File names carry a generator version, so a changed generator makes new files.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { encodeOnnx } from "../src/frontends/onnx/save.js";
import { encodeNpy } from "../src/io/npy.js";
import type { Model } from "../src/ir/model.js";
import { addReluChain } from "./models/chain.js";
import { resnet18 } from "./models/resnet.js";

const VERSION = "v1";

export class Fixtures {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(name: string, make: () => Uint8Array): string {
    const path = join(this.dir, `${name}.${VERSION}${name.endsWith("-input") ? ".npy" : ".onnx"}`);
    if (!existsSync(path)) {
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, make());
      renameSync(tmp, path);
    }
    return path;
  }

  private model(name: string, build: () => Model): string {
    return this.file(name, () => encodeOnnx(build()));
  }

  /** An Add/Relu chain of `nodes` nodes. */
  chain(nodes: number): string {
    return this.model(`chain-${nodes}`, () => addReluChain(nodes));
  }

  /** ResNet-18 as torchvision exports it at op set 17 (46.7 MB). */
  resnet18(): string {
    return this.model("resnet18", () => resnet18());
  }

  /** The same architecture 1.5× wider (~104 MB): the bench's ~100 MB model. */
  wideResnet(): string {
    return this.model("resnet18-wide", () => resnet18({ width: 1.5 }));
  }

  /** A [1,3,224,224] float32 input in [0, 1) for `run`. */
  resnetInput(): string {
    return this.file("resnet18-input", () => {
      const x = new Float32Array(3 * 224 * 224).map((_, i) => ((i * 2654435761) % 1000) / 1000);
      return encodeNpy({ dtype: "float32", dims: [1, 3, 224, 224], data: new Uint8Array(x.buffer) });
    });
  }
}
