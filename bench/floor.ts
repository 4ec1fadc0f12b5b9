/**
 * The floor of a conversion, run as its own process by the bench: read the model file and
 * write files of the given sizes the way the tool writes its outputs (temporary file, fsync,
 * rename). Nothing a converter does can cost less than this.
 *
 * The bytes written are the model's own, already read (repeated when an output is larger): a
 * fresh zeroed buffer would fault in its pages while being written, which costs more than the
 * write itself and made this floor about 80 ms too high for resnet18.
 *
 *   node floor.js <model> <out-dir> <bytes>...
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

const [model, outDir, ...sizes] = process.argv.slice(2);
const source = readFileSync(model!);
sizes.forEach((size, i) => {
  const total = Number(size);
  const tmp = join(outDir!, `.floor-${i}.tmp`);
  const fd = openSync(tmp, "w");
  for (let written = 0; written < total; ) {
    const from = written % source.byteLength;
    written += writeSync(fd, source, from, Math.min(source.byteLength - from, total - written));
  }
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(outDir!, `floor-${i}.out`));
});
