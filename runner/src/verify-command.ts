// `syscall-katas verify`: runs verifyKata over the set with a progress bar and
// prints what is wrong. Exit 0 only when every kata holds.
import cliProgress from 'cli-progress';
import { existsSync } from 'node:fs';
import { solutionsDir } from './paths.js';
import { pc } from './style.js';
import { findKata, loadKatas } from './katas.js';
import { orphanSolutions, verifyKata, type KataVerification } from './verify.js';

export async function runVerify(ids: string[], opts: { json?: boolean; allowUnavailable?: boolean; budgetScale?: number }): Promise<number> {
  // The npm package ships no solutions (README, "Installing from npm"): verify is for a clone.
  if (!existsSync(solutionsDir)) throw new Error(`verify checks the reference solutions, and this copy of the course has none (${solutionsDir}): the npm package does not ship them. Run it in a clone of the course`);
  const all = loadKatas().katas;
  const katas = ids.length ? ids.map(findKata) : all;
  const setProblems = ids.length ? [] : orphanSolutions(all);
  const bar = process.stderr.isTTY && !opts.json ? new cliProgress.SingleBar({ format: 'verify [{bar}] {value}/{total} {kata}', hideCursor: true }, cliProgress.Presets.shades_classic) : undefined;
  bar?.start(katas.length, 0, { kata: '' });
  const results: KataVerification[] = [];
  for (const kata of katas) {
    bar?.update(results.length, { kata: kata.id });
    results.push(await verifyKata(kata, { budgetScale: opts.budgetScale }));
    bar?.update(results.length, { kata: kata.id });
  }
  bar?.stop();
  const failed = (v: KataVerification) => v.problems.length > 0 || (v.unavailable !== undefined && !opts.allowUnavailable);
  const ok = setProblems.length === 0 && !results.some(failed);
  if (opts.json) {
    console.log(JSON.stringify({ ok, setProblems, katas: results }, null, 2));
    return ok ? 0 : 1;
  }
  for (const v of results) {
    if (v.unavailable) console.log(`${pc.yellow('?')} ${v.id}: unavailable here: ${v.unavailable}`);
    else if (v.problems.length === 0) console.log(`${pc.green('✓')} ${v.id}: solution passes, starting file fails`);
    for (const p of v.problems) console.log(`${pc.red('✗')} ${v.id}: ${p}`);
  }
  for (const p of setProblems) console.log(`${pc.red('✗')} ${p}`);
  const bad = results.filter(failed).length + setProblems.length;
  console.log(ok ? pc.green(`\nverify: all ${results.length} katas hold`) : pc.red(`\nverify: ${bad} problem(s)`));
  return ok ? 0 : 1;
}
