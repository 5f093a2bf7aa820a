// watch in a real terminal: tmux runs it in a pane (stdin a TTY, so keys
// work), the test presses h twice and n once and reads the pane.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { which } from '../src/targets.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const tmux = which('tmux');

function run(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

it('watch in a terminal: h shows the next hint each time and records it, n moves on and shows the new kata', async (ctx) => {
  if (!tmux) ctx.skip('tmux is not installed here (sudo apt-get install -y tmux); .ci/run installs it');
  const ws = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-tmux-'));
  // x86-write already solved: the watch passes, and n leads to the first kata not done (measure-batch).
  writeFileSync(path.join(ws, 'x86-write.c'), readFileSync(path.join(repo, 'solutions', 'x86-write', 'exercise.c')));
  const session = `katas-${process.pid}`;
  const cmd = `cd ${repo} && SYSCALL_KATAS_WORKSPACE=${ws} NO_COLOR=1 node runner/bin/syscall-katas.js watch x86-write; sleep 30`;
  run('new-session', '-d', '-s', session, '-x', '120', '-y', '200', cmd);
  const pane = () => run('capture-pane', '-p', '-J', '-S', '-', '-t', session);
  const waitFor = async (text: string, ms = 60_000) => {
    for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (pane().includes(text)) return true;
    return false;
  };
  const hints = JSON.parse(readFileSync(path.join(repo, 'exercises', 'x86-write', 'kata.json'), 'utf8')).hints as string[];
  try {
    expect(await waitFor('x86-write passes'), pane()).toBe(true);
    expect(pane()).toContain('kata 5 of');
    run('send-keys', '-t', session, 'h');
    expect(await waitFor('Hint 1 of 3'), pane()).toBe(true);
    run('send-keys', '-t', session, 'h');
    expect(await waitFor('Hint 2 of 3'), pane()).toBe(true);
    expect(pane()).toContain(hints[1]!.slice(0, 40));
    const state = JSON.parse(readFileSync(path.join(ws, '.state.json'), 'utf8'));
    expect(state.katas['x86-write'].hintsShown).toBe(2);
    run('send-keys', '-t', session, 'n');
    // The next kata's header and instructions, then "checking…" while it runs, then its verdict.
    expect(await waitFor('A batch timer the compiler cannot fool'), pane()).toBe(true);
    expect(await waitFor('checking…'), pane()).toBe(true);
    const screen = pane();
    expect(screen).toContain('kata 1 of');
    expect(screen).toContain('Your task');
    expect(await waitFor('measure-batch is not there yet'), pane()).toBe(true);
    // NO_COLOR: not one escape sequence of colour in the pane's text.
    expect(run('capture-pane', '-p', '-e', '-S', '-', '-t', session)).not.toMatch(/\x1b\[[0-9;]*m/);
  } finally {
    try {
      run('kill-session', '-t', session);
    } catch {
      /* already gone */
    }
  }
}, 180_000);
