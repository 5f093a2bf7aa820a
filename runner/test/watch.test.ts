// watch re-checks on save, also with --poll (filesystems without change events).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '..', '..');

for (const poll of [false, true]) {
  it(`watch${poll ? ' --poll' : ''} re-checks when the file is saved`, async () => {
    const ws = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-watch-'));
    const args = [path.join(repo, 'runner', 'bin', 'syscall-katas.js'), 'watch', 'x86-write', ...(poll ? ['--poll'] : [])];
    const child = spawn('node', args, { cwd: repo, env: { ...process.env, SYSCALL_KATAS_WORKSPACE: ws, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !out.includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      return out.includes(text);
    };
    try {
      expect(await waitFor('is not there yet')).toBe(true);
      writeFileSync(path.join(ws, 'x86-write.c'), readFileSync(path.join(repo, 'solutions', 'x86-write', 'exercise.c')));
      expect(await waitFor('x86-write passes')).toBe(true);
    } finally {
      child.kill();
    }
  });
}
