// One throwaway workspace (and cache) for the whole run: tests never touch a learner's own.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-test-'));
  process.env.SYSCALL_KATAS_WORKSPACE = dir;
  // Grading caches in the grader's own cache (never the graded folder's): here, the run's.
  process.env.XDG_CACHE_HOME = path.join(dir, '.grader-cache');
  return () => rmSync(dir, { recursive: true, force: true });
}
