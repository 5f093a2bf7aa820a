// One throwaway workspace for the whole run: tests never touch a learner's own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-test-'));
  process.env.SYSCALL_KATAS_WORKSPACE = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
