/**
 * Names of the temporary files atomic writes stage their output in, and the clean-up of ones a
 * killed run left behind. A temporary is `.<target name>.myriadc-<pid>-<random>.tmp` beside its
 * target (a rename never crosses file systems), so a later run recognises leftovers by name
 * and knows whose they were: one whose process is gone is removed before the folder is
 * written to again; one of a live process (another myriadc writing there now) is left alone.
 */
import { readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";

const TEMP_NAME = /^\..*\.myriadc-(\d+)-[0-9a-z]+\.tmp$/s;

/** At most this many UTF-8 bytes of the target's name go into the temporary's, so it fits where the target fits (255 bytes is the usual limit). */
const NAME_BYTES = 180;

function truncateUtf8(name: string, maxBytes: number): string {
  let bytes = 0;
  let out = "";
  for (const ch of name) {
    bytes += Buffer.byteLength(ch);
    if (bytes > maxBytes) break;
    out += ch;
  }
  return out;
}

/** A fresh temporary path for `target`, in its folder. */
export function tempPathFor(target: string): string {
  const rand = Math.random().toString(36).slice(2, 10) || "0";
  return join(dirname(target), `.${truncateUtf8(basename(target), NAME_BYTES)}.myriadc-${process.pid}-${rand}.tmp`);
}

/** Whether a process with this id exists (one we may not signal still exists). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporaries in `dir` that processes no longer running left behind; returns their
 * names. Best effort: a folder that cannot be listed, or a file another run removes first, is
 * no error (the write that follows reports what matters).
 */
export function removeStaleTemporaries(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = Number(TEMP_NAME.exec(name)?.[1] ?? Number.NaN);
    if (!Number.isSafeInteger(pid) || pid === process.pid || isAlive(pid)) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(name);
    } catch {
      // someone else's file after all, or already gone
    }
  }
  return removed;
}
