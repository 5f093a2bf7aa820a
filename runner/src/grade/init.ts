// `syscall-katas init --classroom DIR`: a template repository for students:
// the starting files (never the solutions), the instructions, a README that
// says where the course comes from and how to check locally, a .gitignore for
// the workspace's own files, and a GitHub Actions workflow that installs the
// grader from npm at a pinned version and reports to Classroom whatever
// grading exits with. Beside it, DIR-instructor/ holds the workflow that
// grades a whole class on a matrix of runners (--shard, grade merge).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadKatas } from '../katas.js';
import type { Kata } from '../manifest.js';
import { exerciseFile, instructionsFile, repoRoot } from '../paths.js';

/** The version of this grader: what the templates pin. */
export function graderVersion(): string {
  return (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The apt packages every grading job needs; the cross toolchain is the other arch's. */
export const APT_PACKAGES = 'gcc g++ make python3 strace liburing-dev qemu-user';

export interface ClassroomOptions {
  /** owner/name of the course's repository, named in the README. */
  courseRepo: string;
  katas?: string[];
  /** The npm version of syscall-katas the workflow installs (default: this one). */
  version?: string;
  /** The arm64 job on by default (else only when the variable SYSCALL_KATAS_ARM64 is 'true'). */
  arm64?: boolean;
}

function ensureEmpty(target: string, shown: string): void {
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${shown} exists and is not empty: pick a new folder`);
}

/** Katas graded natively on the arm64 runner when it is on: those written for ARM64 alone. */
const onArm64 = (k: Kata) => k.arch === 'aarch64';

function gradeJob(name: string, runner: string, condition: string, katasExpr: string, cross: string): string {
  return `  ${name}:
    if: ${condition}
    runs-on: ${runner}
    timeout-minutes: 30
    outputs:
      result: \${{ steps.grade.outputs.result }}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - name: Toolchains
        run: |
          sudo apt-get update
          sudo apt-get install -y ${APT_PACKAGES} ${cross}
      - name: Install the grader (from npm, pinned)
        run: npm install -g "syscall-katas@\${SYSCALL_KATAS_VERSION}"
      - name: Grade
        id: grade
        # Exit 2 (a kata this runner cannot grade) still writes the result the report job sends.
        run: syscall-katas grade --submission . --katas "$KATAS" --format junit --out grade-${name}.xml
        env:
          KATAS: ${katasExpr}
          # The build and probe caches outside the repository: a .cache the student commits is never read.
          SYSCALL_KATAS_WORKSPACE: \${{ runner.temp }}/syscall-katas
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: grade-${name}
          path: grade-${name}.xml
`;
}

function workflow(katas: Kata[], version: string, arm64: boolean): string {
  const arm = katas.filter(onArm64);
  const all = katas.map((k) => k.id).join(',');
  const x86 = katas.filter((k) => !onArm64(k)).map((k) => k.id).join(',');
  const armOn = arm64 ? 'true' : "vars.SYSCALL_KATAS_ARM64 == 'true'";
  const notBot = "github.actor != 'github-classroom[bot]'";
  const hasArm = arm.length > 0 && x86.length > 0;
  const jobs = [
    gradeJob('x86_64', 'ubuntu-24.04', notBot, hasArm ? `\${{ (${armOn}) && env.X86_KATAS || env.ALL_KATAS }}` : '${{ env.ALL_KATAS }}', 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross'),
    ...(hasArm ? [gradeJob('arm64', 'ubuntu-24.04-arm', `${notBot} && (${armOn})`, '${{ env.ARM64_KATAS }}', 'gcc-x86-64-linux-gnu libc6-dev-amd64-cross')] : []),
  ];
  return `# Grades every push with syscall-katas ${version}, installed from npm: only
# katas/*.c comes from the student; the pristine katas and their oracles come
# with the grader.
#
# ARM64: GitHub's ubuntu-24.04-arm runners are not offered for private
# repositories on every plan, and Classroom repositories are private by
# default. ${arm64 ? 'This template has the arm64 job on.' : "So the arm64 job is off unless the repository (or organisation) variable\n# SYSCALL_KATAS_ARM64 is 'true'."} When it is on, it grades the ARM64
# katas natively, for points; otherwise the x86-64 job grades them under qemu.
name: grade
on: [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
env:
  SYSCALL_KATAS_VERSION: ${version}
  ALL_KATAS: ${all}
${hasArm ? `  X86_KATAS: ${x86}\n  ARM64_KATAS: ${arm.map((k) => k.id).join(',')}\n` : ''}jobs:
${jobs.join('')}  report:
    # Always: a job that exits 2 (a kata it could not grade) is still reported, the kata named with the reason.
    needs: [${hasArm ? 'x86_64, arm64' : 'x86_64'}]
    if: always() && ${notBot}
    runs-on: ubuntu-24.04
    steps:
      - name: Report to GitHub Classroom
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          X86_64_RESULTS: \${{ needs.x86_64.outputs.result }}
${hasArm ? '          ARM64_RESULTS: ${{ needs.arm64.outputs.result }}\n' : ''}        with:
          runners: ${hasArm ? `\${{ (${armOn}) && 'x86_64,arm64' || 'x86_64' }}` : 'x86_64'}
`;
}

function readme(katas: Kata[], courseRepo: string, version: string): string {
  return `# syscall-katas assignment

The course is [syscall-katas](https://github.com/${courseRepo}): test-driven katas on the
system-call boundary. The grader is the npm package \`syscall-katas\`, version ${version};
your work is the files in \`katas/\`, one per kata. Every push is graded (see the Actions tab
and the summary of each run); the instructions of each kata are in \`instructions/\`.

## Checking your work locally

On Linux (x86-64 or arm64) with Node 22 or 24, a C compiler and strace:

\`\`\`sh
sudo apt-get install -y ${APT_PACKAGES}
npm install -g syscall-katas@${version}
cd katas
syscall-katas next            # the next kata to do, checked
syscall-katas check x86-write # one kata
\`\`\`

\`katas/\` is your workspace (it holds \`.syscall-katas.json\`); the commands work from any
folder inside it. \`SYSCALL_KATAS_WORKSPACE=$PWD/katas\` says the same from anywhere. The
grader's caches and backups stay out of git (\`.gitignore\`).

| kata | file |
|---|---|
${katas.map((k) => `| ${k.id} | katas/${k.id}.c |`).join('\n')}
`;
}

const GITIGNORE = `# syscall-katas: the workspace's caches, progress and backups, and grading output
**/.cache/
**/.state.json
**/.state.json.tmp
**/.backup/
node_modules/
grade-*.xml
`;

function classWorkflow(version: string, shards: number): string {
  return `# Grades a whole class on ${shards} runners at once: each takes a share of
# submissions/ (--shard i/${shards}), and the last job merges the shards into one
# gradebook (CSV), one JUnit and one markdown report. Fill submissions/ with a
# folder per student (\`gh classroom clone student-repos\` makes one per repository).
name: grade-class
on: [workflow_dispatch]
env:
  SYSCALL_KATAS_VERSION: ${version}
jobs:
  grade:
    strategy:
      fail-fast: false
      matrix:
        shard: [${Array.from({ length: shards }, (_, i) => i + 1).join(', ')}]
    runs-on: ubuntu-24.04
    timeout-minutes: 120
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: sudo apt-get update && sudo apt-get install -y ${APT_PACKAGES} gcc-aarch64-linux-gnu libc6-dev-arm64-cross
      - run: npm install -g "syscall-katas@\${SYSCALL_KATAS_VERSION}"
      - name: Grade shard \${{ matrix.shard }}/${shards}
        run: syscall-katas grade --submissions submissions --shard \${{ matrix.shard }}/${shards} --jobs 2 --format junit --out shard-\${{ matrix.shard }}
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: shard-\${{ matrix.shard }}
          path: shard-\${{ matrix.shard }}
  merge:
    needs: grade
    if: always()
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version: 22
      - run: npm install -g "syscall-katas@\${SYSCALL_KATAS_VERSION}"
      - uses: actions/download-artifact@v4
        with:
          pattern: shard-*
      - run: syscall-katas grade merge shard-* --out grades
      - run: cat grades/class.md >> "$GITHUB_STEP_SUMMARY"
        if: always()
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: gradebook
          path: grades
`;
}

/** Writes the student template into dir and the class workflow into dir-instructor/; returns the files written. */
export function initClassroom(dir: string, opts: ClassroomOptions): string[] {
  const target = path.resolve(dir);
  const instructor = `${target.replace(/\/+$/, '')}-instructor`;
  ensureEmpty(target, dir);
  ensureEmpty(instructor, path.relative(process.cwd(), instructor) || instructor);
  const version = opts.version ?? graderVersion();
  const katas = loadKatas().katas.filter((k) => !opts.katas?.length || opts.katas.includes(k.id));
  const unknown = opts.katas?.filter((id) => !katas.some((k) => k.id === id)) ?? [];
  if (unknown.length) throw new Error(`--katas: no kata named ${unknown.join(', ')}`);
  mkdirSync(path.join(target, 'katas'), { recursive: true });
  mkdirSync(path.join(target, 'instructions'), { recursive: true });
  mkdirSync(path.join(target, '.github', 'workflows'), { recursive: true });
  const written: string[] = [];
  for (const k of katas) {
    copyFileSync(exerciseFile(k.id), path.join(target, 'katas', `${k.id}.c`));
    copyFileSync(instructionsFile(k.id), path.join(target, 'instructions', `${k.id}.md`));
    written.push(`katas/${k.id}.c`, `instructions/${k.id}.md`);
  }
  // katas/ is the student's workspace: the marker `syscall-katas init` writes, so that commands find it from inside.
  writeFileSync(path.join(target, 'katas', '.syscall-katas.json'), `${JSON.stringify({ course: 'syscall-katas', formatVersion: 1, createdWith: version }, null, 2)}\n`);
  writeFileSync(path.join(target, 'README.md'), readme(katas, opts.courseRepo, version));
  writeFileSync(path.join(target, '.github', 'workflows', 'grade.yml'), workflow(katas, version, !!opts.arm64));
  writeFileSync(path.join(target, '.gitignore'), GITIGNORE);
  written.push('katas/.syscall-katas.json', 'README.md', '.github/workflows/grade.yml', '.gitignore');
  mkdirSync(path.join(instructor, '.github', 'workflows'), { recursive: true });
  writeFileSync(path.join(instructor, '.github', 'workflows', 'grade-class.yml'), classWorkflow(version, 4));
  written.push(`${path.basename(instructor)}/.github/workflows/grade-class.yml`);
  return written;
}
