// A learner's file, read the one way the build takes it: a regular file of
// its own (not a symbolic link, a device or a FIFO; at most MAX_SOURCE_BYTES),
// and when it is graded, inside the submission's folder. Read before any
// containment, by a runner that may be root, so that nothing a submission
// names can make the runner read the solutions, another student's file,
// /proc/self/environ, /dev/zero or a FIFO that never ends.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync } from 'node:fs';
import path from 'node:path';

/** No learner's kata is longer: past it, the file is not a kata. */
export const MAX_SOURCE_BYTES = 256 * 1024;

export type SourceRead = { text: string } | { problem: string };

export function readLearnerSource(file: string, within?: string): SourceRead {
  const shown = path.basename(file);
  let st;
  try {
    st = lstatSync(file);
  } catch (e) {
    return { problem: `${shown} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  }
  if (st.isSymbolicLink()) return { problem: `${shown} is a symbolic link: a submission's files must be its own` };
  if (!st.isFile()) return { problem: `${shown} is not a regular file` };
  if (within) {
    const root = realpathSync(within);
    const real = realpathSync(file);
    if (!real.startsWith(`${root}${path.sep}`)) return { problem: `${shown} is outside the submission's folder (a linked folder?): a submission's files must be its own` };
  }
  let fd: number | undefined;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    const now = fstatSync(fd);
    if (!now.isFile()) return { problem: `${shown} is not a regular file` };
    if (now.size > MAX_SOURCE_BYTES) return { problem: `${shown} is ${now.size} bytes: a kata's file is at most ${MAX_SOURCE_BYTES}` };
    const buf = Buffer.alloc(now.size);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return { text: buf.subarray(0, n).toString('utf8') };
  } catch (e) {
    return { problem: `${shown} cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
