// The command line: thin wrappers that load the kata set, call the module
// that does the work, and print. Heavy modules (the judge, markdown) load
// only in the commands that need them, so `list` starts fast.
import { Command, InvalidArgumentError, Option } from 'commander';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { availabilityOf } from './availability.js';
import { findKata, KataSetError, loadKatas } from './katas.js';
import type { Kata } from './manifest.js';
import { ensureLearnerFile, firstMeeting, nextHintIndex, progressOf, readState, recordCheck, resetLearnerFile } from './workspace.js';
import { displayPath, repoRoot } from './paths.js';
import { pc, wrapLine } from './style.js';
import { parseJobs, parseShard } from './grade/options.js';

const program = new Command();

function budgetScale(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number, e.g. 1.5');
  return n;
}
const budgetScaleOption = () => new Option('--budget-scale <factor>', 'multiply every ns/call budget (instructors)').argParser(budgetScale);

/** The first kata, in course order, that is available here and not done. */
async function currentKata(): Promise<Kata | undefined> {
  const state = readState();
  for (const kata of loadKatas().katas) {
    if (progressOf(kata, state) === 'done') continue;
    if (!(await availabilityOf(kata)).available) continue;
    return kata;
  }
  return undefined;
}

/** When no kata is left to do here: done, or blocked by what this machine lacks? */
async function nothingLeftMessage(): Promise<string> {
  const state = readState();
  const blocked: { id: string; reason?: string }[] = [];
  let done = 0;
  for (const kata of loadKatas().katas) {
    if (progressOf(kata, state) === 'done') {
      done++;
      continue;
    }
    const avail = await availabilityOf(kata);
    if (!avail.available) blocked.push({ id: kata.id, reason: avail.reason });
  }
  if (blocked.length === 0) return pc.green('Every kata is done. Well crossed.');
  const reasons = [...new Set(blocked.map((b) => b.reason))];
  return [
    done ? pc.green('Every kata this machine can run is done.') : pc.yellow('No kata can run on this machine yet.'),
    pc.yellow(`${blocked.length} ${done ? "more " : ""}cannot run here (${blocked.map((b) => b.id).join(", ")}):`),
    ...reasons.map((r) => `  ${r}`),
    `\`npx syscall-katas doctor\` shows what this machine has and how to install the rest.`,
  ].join('\n');
}

async function checkAndShow(kata: Kata, opts: { json?: boolean; budgetScale?: number; file?: string }): Promise<boolean> {
  const { checkKata } = await import('./judge.js');
  const { renderResult } = await import('./render.js');
  const file = opts.file ?? ensureLearnerFile(kata);
  const result = await checkKata(kata, file, { budgetScale: opts.budgetScale });
  if (!opts.file) {
    recordCheck(kata, file, result.status);
    const { recordAttempts } = await import('./report/history.js');
    const note = recordAttempts(result);
    if (note) console.error(pc.yellow(`syscall-katas: ${note}`));
  }
  if (opts.json) console.log(JSON.stringify(result, null, 2));
  else console.log(renderResult(result, { hintCommand: `npx syscall-katas hint ${kata.id}` }));
  return result.status === 'pass';
}

program
  .name('syscall-katas')
  .description('Katas on the system call boundary: raw syscalls, batching, io_uring and the vDSO.')
  .version((JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version)
  .addHelpText('after', '\nNew here? Start with: npx syscall-katas next (from npm: npx syscall-katas init first, then next inside the folder it makes)')
  .showHelpAfterError('(add --help for usage)');

program
  .command('next')
  .description('the next unfinished kata and a verdict on your file (its instructions the first time; `show` prints them again)')
  .option('--brief', 'never print the instructions, only the verdict')
  .addOption(budgetScaleOption())
  .action(async (opts: { brief?: boolean; budgetScale?: number }) => {
    const kata = await currentKata();
    if (!kata) {
      console.log(await nothingLeftMessage());
      return;
    }
    const { renderHeader, renderInstructions } = await import('./render.js');
    const file = ensureLearnerFile(kata);
    console.log(renderHeader(kata, displayPath(file)));
    const { describeWorkspace } = await import('./workspace-root.js');
    console.log(pc.dim(`Workspace: ${describeWorkspace()}`));
    if (!opts.brief && firstMeeting(kata)) console.log(`\n${renderInstructions(kata)}\n`);
    else console.log(pc.dim(`Instructions: ${pc.cyan(`npx syscall-katas show ${kata.id}`)}`));
    console.log(pc.bold('\nChecking your file…'));
    const passed = await checkAndShow(kata, opts);
    const then = passed
      ? `Run ${pc.cyan('npx syscall-katas next')} for the next kata.`
      : `Save ${pc.cyan(path.basename(file))}, then run ${pc.cyan('npx syscall-katas next')} again, or keep ${pc.cyan('watch')} open.`; // its path is in the header
    console.log(`\n${wrapLine(then, '', '').join('\n')}`);
    process.exitCode = passed ? 0 : 1;
  });

program
  .command('show')
  .description("a kata's instructions (the current one by default)")
  .argument('[id]', 'kata id')
  .action(async (id?: string) => {
    const kata = id ? findKata(id) : await currentKata();
    if (!kata) return console.log('No unfinished kata: nothing to show. `npx syscall-katas list` shows them all.');
    const { renderHeader, renderInstructions } = await import('./render.js');
    console.log(`${renderHeader(kata, displayPath(ensureLearnerFile(kata)))}\n\n${renderInstructions(kata)}`);
  });

program
  .command('list')
  .description('every kata with its track, arch and status')
  .option('--json', 'print [{id, title, track, arch, status}] as JSON')
  .action(async (opts: { json?: boolean }) => {
    const state = readState();
    const rows = await Promise.all(
      loadKatas().katas.map(async (k) => {
        const avail = await availabilityOf(k);
        const status = avail.available ? progressOf(k, state) : 'unavailable';
        return { id: k.id, title: k.title, track: k.track, arch: k.arch, status, ...(avail.reason ? { reason: avail.reason } : {}) };
      }),
    );
    if (opts.json) {
      console.log(JSON.stringify(rows, null, 2));
      return;
    }
    const paint: Record<string, (s: string) => string> = { done: pc.green, failing: pc.red, 'not-started': pc.dim, unavailable: pc.yellow };
    const idWidth = Math.max(...rows.map((r) => r.id.length));
    for (const r of rows) {
      const status = (paint[r.status] ?? String)(r.status.padEnd(11));
      console.log(`${r.id.padEnd(idWidth)}  ${r.arch.padEnd(7)}  ${status}  ${r.title}${r.reason ? pc.dim(` (${r.reason})`) : ''}`);
    }
    const done = rows.filter((r) => r.status === 'done').length;
    console.log(pc.dim(`\n${done} of ${rows.length} done`));
  });

program
  .command('check')
  .description('check one kata (your workspace file, or --file)')
  .argument('<id>', 'kata id, as in `syscall-katas list`')
  .option('--json', 'print the result model as JSON')
  .option('--file <path>', 'check this file instead of your workspace copy (your progress is not recorded)')
  .addOption(budgetScaleOption())
  .action(async (id: string, opts: { json?: boolean; file?: string; budgetScale?: number }) => {
    const passed = await checkAndShow(findKata(id), opts);
    process.exitCode = passed ? 0 : 1;
  });

program
  .command('trace')
  .description("count your file's syscalls, per name, beside the reference solution's: what the count budgets count")
  .argument('<id>', 'kata id')
  .option('--case <name>', "count one case's calls instead of the kata's counting runs")
  .option('--file <path>', 'trace this file instead of your workspace copy')
  .option('--json', 'print the rows as JSON')
  .action(async (id: string, opts: { case?: string; file?: string; json?: boolean }) => {
    const kata = findKata(id);
    const { traceKata, renderTrace } = await import('./trace.js');
    const report = await traceKata(kata, opts.file ?? ensureLearnerFile(kata), opts.case);
    console.log(opts.json ? JSON.stringify(report, null, 2) : await renderTrace(report));
    process.exitCode = report.problem || report.learner.some((r) => r.problem) ? 1 : 0;
  });

program
  .command('hint')
  .description('show the next hint for a kata (the current one by default)')
  .argument('[id]', 'kata id')
  .action(async (id?: string) => {
    const kata = id ? findKata(id) : await currentKata();
    if (!kata) return console.log('No unfinished kata: nothing to hint at.');
    const i = nextHintIndex(kata);
    console.log(`${pc.bold(`Hint ${i + 1} of ${kata.hints.length}`)} for ${kata.id}:\n\n${kata.hints[i]}`);
    if (i + 1 < kata.hints.length) console.log(pc.dim(`\n(run it again for the next hint)`));
  });

program
  .command('reset')
  .description('restore the starting file of a kata; yours is kept as a backup')
  .argument('<id>', 'kata id')
  .action((id: string) => {
    const { file, backup } = resetLearnerFile(findKata(id));
    console.log(`Restored ${displayPath(file)} to its starting state.`);
    if (backup) console.log(`Your previous version is kept at ${displayPath(backup)}`);
  });

program
  .command('doctor')
  .description('which toolchains and kernel features are present, and how to install what is missing; exit 1 when grading here would lose a defence')
  .option('--json', 'print the findings as JSON')
  .action(async (opts: { json?: boolean }) => {
    const { diagnose, renderDiagnosis } = await import('./doctor.js');
    const findings = await diagnose();
    console.log(opts.json ? JSON.stringify(findings, null, 2) : renderDiagnosis(findings));
    // Non-zero when grading here would lose a defence: CI can stop before grading.
    process.exitCode = findings.lost.length ? 1 : 0;
  });

program
  .command('verify')
  .description('maintainers: every reference solution passes and every starting file fails')
  .argument('[ids...]', 'kata ids (default: all)')
  .option('--json', 'print the verification as JSON')
  .option('--allow-unavailable', 'do not count katas this machine cannot run as failures')
  .addOption(budgetScaleOption())
  .action(async (ids: string[], opts: { json?: boolean; allowUnavailable?: boolean; budgetScale?: number }) => {
    const { runVerify } = await import('./verify-command.js');
    process.exitCode = await runVerify(ids, opts);
  });

program
  .command('bench')
  .description("measure this machine: function call, syscall, vDSO and counter costs (the seed's table, live)")
  .option('--json', 'print the figures as JSON, in a shape close to Google Benchmark\'s')
  .option('--epochs <n>', 'timed epochs per operation (3-64)', (v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 3 || n > 64) throw new InvalidArgumentError('a whole number from 3 to 64');
    return n;
  }, 15)
  .action(async (opts: { json?: boolean; epochs: number }) => {
    const { runBench, renderBench } = await import('./bench.js');
    const report = await runBench(opts.epochs);
    console.log(opts.json ? JSON.stringify(report, null, 2) : renderBench(report));
  });

program
  .command('book')
  .description('render the whole course to a static site (works offline, from file://)')
  .option('--out <dir>', 'where the site goes (emptied first if it is a book built before)', 'book')
  .option('--no-bench', "leave out this machine's figures (no `bench` run)")
  .action(async (opts: { out: string; bench: boolean }) => {
    const { buildBook } = await import('./book/build.js');
    const { measureMachine } = await import('./book/costs.js');
    const machine = await measureMachine({ bench: opts.bench });
    if ('problem' in machine && opts.bench) console.error(pc.yellow(`syscall-katas: ${machine.problem}; the book has no figures`));
    const { out, pages } = await buildBook(path.resolve(opts.out), machine);
    console.log(`Wrote ${pages.length} pages to ${displayPath(out)}; open ${displayPath(path.join(out, 'index.html'))}`);
  });

program
  .command('report')
  .description('your progress per track, your budget figures over your attempts, and this machine\'s costs')
  .option('--html <file>', 'write an HTML page with charts instead of printing a summary')
  .option('--no-bench', "leave out this machine's figures (no `bench` run)")
  .action(async (opts: { html?: string; bench: boolean }) => {
    const { gatherReport, renderReportHtml, renderReportText, writeReport } = await import('./report/report.js');
    const { measureMachine } = await import('./book/costs.js');
    const model = await gatherReport(await measureMachine({ bench: opts.bench }));
    if (!opts.html) return console.log(renderReportText(model));
    writeReport(opts.html, await renderReportHtml(model));
    console.log(`Wrote ${displayPath(path.resolve(opts.html))}`);
  });

program
  .command('grade')
  .description('instructors: grade a submission (or a folder of them) and report as json, junit, gradescope, classroom or markdown')
  .option('--submission <dir>', 'folder with the learner files <kata-id>.c (default: the workspace)')
  .option('--submissions <dir>', 'a class: a folder of student folders, graded into a CSV gradebook and class reports (see --jobs, --shard)')
  .option('--katas <ids>', 'comma-separated kata ids (default: the config\'s, or all)')
  .option('--config <file>', 'course config (schemas/course-config.schema.json): points, budget scale, timeouts')
  .addOption(new Option('--format <format>', 'report format').choices(['json', 'junit', 'gradescope', 'classroom', 'markdown']).default('markdown'))
  .option('--out <path>', 'write the report here (with --submissions: a folder of reports)')
  .option('--gradebook <file>', 'with --submissions: where the CSV goes (default <out>/gradebook.csv)')
  .option('--fail-under <percent>', 'exit 1 when the score is below this percentage', (v) => {
    const n = Number(v);
    if (!(n >= 0 && n <= 100)) throw new InvalidArgumentError('a percentage from 0 to 100');
    return n;
  })
  .option('--jobs <n>', 'with --submissions: students graded at once (timing runs still one at a time)', (v) => {
    const n = parseJobs(v);
    if (typeof n === 'string') throw new InvalidArgumentError(n);
    return n;
  }, 1)
  .option('--shard <i/N>', 'with --submissions: grade the i-th of N shares of the class (merge them with `grade merge`)', (v) => {
    const shard = parseShard(v);
    if (typeof shard === 'string') throw new InvalidArgumentError(shard);
    return shard;
  })
  // `grade merge DIR…` is an operand, not a subcommand: then --out and --gradebook (grade's) say where the merged files go.
  .argument('[merge]', "'merge': combine the results.json of a class graded in shards (--shard) into one gradebook, class.xml and class.md (in --out, default grades/)")
  .argument('[dirs...]', "with merge: the shards' --out folders (or their results.json)")
  .action(async (merge: string | undefined, dirs: string[], opts: import('./grade/command.js').GradeOptions) => {
    const { runGrade, runMerge } = await import('./grade/command.js');
    if (merge === undefined) process.exitCode = await runGrade(opts);
    else if (merge !== 'merge') throw new InvalidArgumentError(`unknown grade command "${merge}": the only one is merge`);
    else process.exitCode = runMerge(dirs, { out: opts.out ?? 'grades', gradebook: opts.gradebook });
  });

program
  .command('init')
  .description('create your workspace (a folder marked .syscall-katas.json, found from any folder inside it); instructors: --classroom DIR (a template repository) or --gradescope DIR (an autograder)')
  .argument('[dir]', 'the folder to make your workspace', 'syscall-katas')
  .option('--classroom <dir>', 'instructors: the template repository to create (and <dir>-instructor/ with the class workflow)')
  .option('--gradescope <dir>', 'instructors: the autograder to create: setup.sh, run_autograder, course.json, autograder.zip')
  .option('--course-repo <owner/name>', 'with --classroom: the course repository the README links to', 'your-org/syscall-katas')
  .option('--grader-version <version>', 'the syscall-katas version installed from npm (default: this one)')
  .option('--arm64', 'with --classroom: the arm64 job on (else only when the variable SYSCALL_KATAS_ARM64 is true)')
  .option('--config <file>', 'with --gradescope: the course config (katas, points) to grade with')
  .option('--katas <ids>', 'with --classroom or --gradescope: comma-separated kata ids (default: all)')
  .action(async (dir: string, opts: { classroom?: string; gradescope?: string; courseRepo: string; graderVersion?: string; arm64?: boolean; config?: string; katas?: string }) => {
    if (!opts.classroom && !opts.gradescope) {
      const { initWorkspace } = await import('./workspace-root.js');
      const w = initWorkspace(dir, program.version() ?? '');
      const there = displayPath(w.dir);
      console.log(w.created ? `Created the workspace ${there}.` : `${there} is already a workspace: nothing changed.`);
      if (w.note) console.log(pc.yellow(`Note: ${w.note}.`));
      console.log(`Next: ${pc.cyan(`cd ${there} && npx syscall-katas next`)} (from that folder or any folder inside it).`);
      return;
    }
    const katas = opts.katas?.split(',').map((s) => s.trim()).filter(Boolean);
    if (opts.gradescope) {
      const { initGradescope } = await import('./grade/gradescope-init.js');
      const written = initGradescope(opts.gradescope, { config: opts.config, katas, version: opts.graderVersion });
      console.log(`Wrote ${written.join(', ')} to ${opts.gradescope}. Upload autograder.zip as the assignment's autograder (Ubuntu base image).`);
    }
    if (opts.classroom) {
      const { initClassroom } = await import('./grade/init.js');
      const written = initClassroom(opts.classroom, { courseRepo: opts.courseRepo, katas, version: opts.graderVersion, arm64: opts.arm64 });
      console.log(`Wrote ${written.length} files to ${opts.classroom} (the class workflow to ${written.at(-1)}). The README links to ${opts.courseRepo}.`);
    }
  });

program
  .command('watch')
  .description('re-check the current kata each time you save; press n to move on when it passes')
  .argument('[id]', 'kata id (default: the next unfinished one)')
  .option('--poll', 'poll for changes (for filesystems where change events do not arrive)')
  .addOption(budgetScaleOption())
  .action(async (id: string | undefined, opts: { poll?: boolean; budgetScale?: number }) => {
    const { watch } = await import('./watch.js');
    await watch({ id, poll: opts.poll, budgetScale: opts.budgetScale, currentKata, checkAndShow, nothingLeftMessage });
  });

// Commands that run someone's code first make this process non-dumpable: no
// process of our uid may trace us or read our memory or environment.
const RUNS_CODE = new Set(['check', 'next', 'watch', 'grade', 'verify']);
program.hook('preAction', async (_program, action) => {
  if (!RUNS_CODE.has(action.name())) return;
  const { makeNonDumpable } = await import('./addon.js');
  makeNonDumpable();
});

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof KataSetError) console.error(pc.red(`syscall-katas: the kata set is broken: ${e.message}`));
  else console.error(pc.red(`syscall-katas: ${(e as Error).message}`));
  process.exitCode = 2;
}
