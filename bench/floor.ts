/**
 * The floor of a conversion, run as its own process by the bench: read the model file and
 * write files of the given sizes the way the tool writes its outputs (temporary file, fsync,
 * rename). Nothing a converter does can cost less than this.
 *
 *   node floor.js <model> <out-dir> <bytes>...
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

const [model, outDir, ...sizes] = process.argv.slice(2);
readFileSync(model!);
sizes.forEach((size, i) => {
  const bytes = new Uint8Array(Number(size));
  const tmp = join(outDir!, `.floor-${i}.tmp`);
  const fd = openSync(tmp, "w");
  for (let off = 0; off < bytes.byteLength; ) off += writeSync(fd, bytes, off, bytes.byteLength - off);
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, join(outDir!, `floor-${i}.out`));
});
