// `syscall-katas watch`: re-checks the learner's file each time it changes.
// Change events (fs.watch) give speed; a stat poll backs them up on
// filesystems where events never arrive (network mounts, some containers),
// and --poll uses the poll alone. A content hash decides whether to re-check,
// so duplicate events cost nothing. It never advances on its own: when the
// kata passes, the learner presses n.
import { createHash } from 'node:crypto';
import { type FSWatcher, readFileSync, unwatchFile, watch as fsWatch, watchFile } from 'node:fs';
import path from 'node:path';
import { pc } from './style.js';
import { findKata } from './katas.js';
import type { Kata } from './manifest.js';
import { displayPath } from './paths.js';
import { ensureLearnerFile, firstMeeting, nextHintIndex } from './workspace.js';

export interface WatchOptions {
  id?: string;
  poll?: boolean;
  budgetScale?: number;
  currentKata: () => Promise<Kata | undefined>;
  checkAndShow: (kata: Kata, opts: { budgetScale?: number }) => Promise<boolean>;
  nothingLeftMessage: () => Promise<string>;
}

const POLL_MS = 700;

function contentHash(file: string): string {
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return '';
  }
}

export async function watch(opts: WatchOptions): Promise<void> {
  let kata = opts.id ? findKata(opts.id) : await opts.currentKata();
  if (!kata) return console.log(await opts.nothingLeftMessage());
  const interactive = process.stdin.isTTY;

  // The instructions come with a kata the learner has not met yet, and with each kata n moves to.
  let instructions = firstMeeting(kata);
  while (kata) {
    const next = await watchOne(kata, opts, interactive, instructions);
    if (next === 'quit') break;
    kata = await opts.currentKata(); // n moves on in course order, whichever kata was watched
    if (kata) {
      firstMeeting(kata);
      instructions = true;
    } else console.log(`\n${await opts.nothingLeftMessage()}`);
  }
}

function watchOne(kata: Kata, opts: WatchOptions, interactive: boolean, withInstructions: boolean): Promise<'next' | 'quit'> {
  const file = ensureLearnerFile(kata);
  let lastHash = '';
  let running = false;
  let again = false;
  let passed = false;
  return new Promise((resolve) => {
    let watcher: FSWatcher | undefined;
    const stop = (how: 'next' | 'quit') => {
      watcher?.close();
      unwatchFile(file);
      if (interactive) {
        process.stdin.setRawMode(false);
        process.stdin.pause();
        process.stdin.removeListener('data', onKey);
      }
      resolve(how);
    };
    const run = async () => {
      const hash = contentHash(file);
      if (hash === lastHash) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      lastHash = hash;
      console.clear();
      const { renderHeader, renderInstructions } = await import('./render.js');
      console.log(renderHeader(kata, `${displayPath(file)} (watching)`));
      if (withInstructions) {
        console.log(`\n${renderInstructions(kata)}\n`);
        withInstructions = false; // once: a save shows the verdict alone
      }
      console.log(pc.dim('\nchecking…'));
      passed = await opts.checkAndShow(kata, { budgetScale: opts.budgetScale });
      console.log(
        pc.dim(
          passed
            ? interactive
              ? '\nPress n for the next kata, q to quit.'
              : '\nPassed. Run `npx syscall-katas watch` again for the next kata.'
            : '\nSave the file to check again. h: hint, q: quit.',
        ),
      );
      running = false;
      if (again) {
        again = false;
        await run();
      }
    };
    const onKey = (key: Buffer) => {
      const k = key.toString();
      if (k === 'q' || k === '\u0003') stop('quit');
      else if (k === 'n' && passed) stop('next');
      else if (k === 'h') {
        // As `hint` does: the next one each time, recorded in the workspace.
        const i = nextHintIndex(kata);
        console.log(`\n${pc.bold(`Hint ${i + 1} of ${kata.hints.length}`)}: ${kata.hints[i]}`);
      }
    };
    if (interactive) {
      process.stdin.setRawMode(true);
      process.stdin.resume();
      process.stdin.on('data', onKey);
    }
    if (!opts.poll) {
      try {
        // Editors often replace the file (write + rename): watch its folder.
        watcher = fsWatch(path.dirname(file), (_event, name) => {
          if (!name || name === path.basename(file)) void run();
        });
      } catch {
        /* no events here: the poll below covers it */
      }
    }
    watchFile(file, { interval: POLL_MS }, () => void run());
    void run();
  });
}
