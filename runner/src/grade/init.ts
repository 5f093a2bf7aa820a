// `syscall-katas init --classroom DIR`: a template repository for students:
// the starting files (never the solutions), a README, and a GitHub Actions
// workflow that grades every push on x86-64 and on an arm64 runner.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadKatas } from '../katas.js';
import { exerciseFile, instructionsFile } from '../paths.js';

function workflow(courseRepo: string, courseRef: string): string {
  return `# Grades every push with syscall-katas, on x86-64 and on arm64.
# The course (runner, pristine katas, oracles) is checked out beside the
# student's files; only katas/*.c comes from the student.
name: grade
on: [push, workflow_dispatch, repository_dispatch]
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  grade:
    if: github.actor != 'github-classroom[bot]'
    strategy:
      fail-fast: false
      matrix:
        runner: [ubuntu-24.04, ubuntu-24.04-arm]
    runs-on: \${{ matrix.runner }}
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: ${courseRepo}
          ref: ${courseRef}
          path: .course
      - uses: actions/setup-node@v4
        with:
          node-version: 20
      - name: Toolchains
        run: |
          sudo apt-get update
          sudo apt-get install -y gcc g++ make python3 strace liburing-dev qemu-user \\
            $([ "$(uname -m)" = x86_64 ] && echo gcc-aarch64-linux-gnu libc6-dev-arm64-cross || echo gcc-x86-64-linux-gnu libc6-dev-amd64-cross)
      - name: Install the course
        run: npm ci --prefix .course
      - name: Grade
        id: syscallkatas
        run: node .course/runner/bin/syscall-katas.js grade --submission katas --format junit --out grade-\${{ matrix.runner }}.xml
      - uses: actions/upload-artifact@v4
        if: always()
        with:
          name: grade-\${{ matrix.runner }}
          path: grade-\${{ matrix.runner }}.xml
      - name: Report to GitHub Classroom
        if: matrix.runner == 'ubuntu-24.04'
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
          SYSCALLKATAS_RESULTS: \${{ steps.syscallkatas.outputs.result }}
        with:
          runners: syscallkatas
`;
}

function readme(ids: string[]): string {
  return `# syscall-katas assignment

Edit the files in \`katas/\`, one per kata, and push: every push is graded on x86-64 and
on arm64 (see the Actions tab, and the summary of each run).

To check your work locally, clone the course next to this repository and run:

\`\`\`sh
npm install --prefix ../syscall-katas
SYSCALL_KATAS_WORKSPACE=$PWD/katas npx --prefix ../syscall-katas syscall-katas next
\`\`\`

The instructions of each kata are in \`instructions/\`.

| kata | file |
|---|---|
${ids.map((id) => `| ${id} | katas/${id}.c |`).join('\n')}
`;
}

export function initClassroom(dir: string, opts: { courseRepo: string; courseRef: string; katas?: string[] }): string[] {
  const target = path.resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${dir} exists and is not empty: pick a new folder`);
  const katas = loadKatas().katas.filter((k) => !opts.katas?.length || opts.katas.includes(k.id));
  mkdirSync(path.join(target, 'katas'), { recursive: true });
  mkdirSync(path.join(target, 'instructions'), { recursive: true });
  mkdirSync(path.join(target, '.github', 'workflows'), { recursive: true });
  const written: string[] = [];
  for (const k of katas) {
    copyFileSync(exerciseFile(k.id), path.join(target, 'katas', `${k.id}.c`));
    copyFileSync(instructionsFile(k.id), path.join(target, 'instructions', `${k.id}.md`));
    written.push(`katas/${k.id}.c`, `instructions/${k.id}.md`);
  }
  writeFileSync(path.join(target, 'README.md'), readme(katas.map((k) => k.id)));
  writeFileSync(path.join(target, '.github', 'workflows', 'grade.yml'), workflow(opts.courseRepo, opts.courseRef));
  writeFileSync(path.join(target, '.gitignore'), '.course/\nnode_modules/\ngrade-*.xml\n');
  written.push('README.md', '.github/workflows/grade.yml', '.gitignore');
  return written;
}
