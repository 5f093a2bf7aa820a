// `syscall-katas init --gradescope DIR`: the autograder Gradescope runs, as
// files and as the zip to upload: setup.sh (toolchains, Node, the grader from
// npm at a pinned version, on Gradescope's Ubuntu image), run_autograder
// (grades /autograder/submission into /autograder/results/results.json) and
// course.json (the katas and their points).
//
// Two variables let the same scripts run outside Gradescope (the tests do):
// AUTOGRADER_ROOT moves /autograder, SYSCALL_KATAS_GRADER names a checkout of
// the course to grade with instead of the npm package.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import AdmZip from 'adm-zip';
import { loadGradeConfig } from './config.js';
import { APT_PACKAGES, graderVersion } from './init.js';

function setupScript(version: string): string {
  return `#!/usr/bin/env bash
# Gradescope runs this once, as root, when the autograder image is built.
# It installs the toolchains, Node 22 and syscall-katas ${version} from npm.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
case "$(uname -m)" in
  x86_64) cross="gcc-aarch64-linux-gnu libc6-dev-arm64-cross" ;;
  *) cross="gcc-x86-64-linux-gnu libc6-dev-amd64-cross" ;;
esac
apt-get install -y curl ca-certificates ${APT_PACKAGES} $cross
if ! node --version 2>/dev/null | grep -Eq '^v(2[2-9]|[3-9][0-9])\\.'; then
  curl -fsSL https://deb.nodesource.com/setup_22.x | bash -
  apt-get install -y nodejs
fi
if [ -z "\${SYSCALL_KATAS_GRADER:-}" ]; then
  npm install -g "syscall-katas@${version}"
fi
`;
}

const RUN_AUTOGRADER = `#!/usr/bin/env bash
# Gradescope runs this for every submission: the student's files are in
# $ROOT/submission (katas/<kata-id>.c, or the .c files at its top), the
# results go to $ROOT/results/results.json. When grading cannot even start
# (no kata file in the upload, a broken install), results.json still says why.
set -uo pipefail
ROOT="\${AUTOGRADER_ROOT:-/autograder}"
if [ -n "\${SYSCALL_KATAS_GRADER:-}" ]; then
  grader=(node "$SYSCALL_KATAS_GRADER/runner/bin/syscall-katas.js")
else
  grader=(syscall-katas)
fi
# The build cache of this run: outside the submission, which is the student's.
export SYSCALL_KATAS_WORKSPACE="\${SYSCALL_KATAS_WORKSPACE:-$ROOT/work}"
mkdir -p "$ROOT/results" "$SYSCALL_KATAS_WORKSPACE"
results="$ROOT/results/results.json"
log="$ROOT/results/grade.log"
rm -f "$results"
cd "$ROOT"
"\${grader[@]}" grade --submission "$ROOT/submission" --config "$ROOT/source/course.json" --format gradescope --out "$results" 2>"$log"
code=$?
cat "$log" >&2
if [ ! -s "$results" ]; then
  node -e '
    const fs = require("node:fs");
    const [code, log, out] = process.argv.slice(1);
    const why = fs.readFileSync(log, "utf8").trim() || "the grader exited with status " + code;
    fs.writeFileSync(out, JSON.stringify({ score: 0, output: "syscall-katas could not grade this submission:\\n" + why, visibility: "visible", tests: [] }, null, 2) + "\\n");
  ' "$code" "$log" "$results"
fi
exit 0
`;

export interface GradescopeOptions {
  /** A course config (validated), copied in as course.json; else one is written from katas. */
  config?: string;
  katas?: string[];
  version?: string;
}

/** Writes setup.sh, run_autograder, course.json and autograder.zip (the three, at its top) into dir. */
export function initGradescope(dir: string, opts: GradescopeOptions = {}): string[] {
  const target = path.resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${dir} exists and is not empty: pick a new folder`);
  const version = opts.version ?? graderVersion();
  // Validated here, so that a broken config fails now rather than on every submission.
  const config = loadGradeConfig(opts.config, opts.katas);
  const course = opts.config && !opts.katas?.length
    ? readFileSync(opts.config, 'utf8')
    : `${JSON.stringify({ formatVersion: 1, katas: config.katas.map((k) => ({ id: k.kata.id, points: k.points, performanceShare: k.performanceShare })), ...(config.budgetScale ? { budgetScale: config.budgetScale } : {}) }, null, 2)}\n`;
  const files: [string, string, number][] = [
    ['setup.sh', setupScript(version), 0o755],
    ['run_autograder', RUN_AUTOGRADER, 0o755],
    ['course.json', course, 0o644],
  ];
  mkdirSync(target, { recursive: true });
  const zip = new AdmZip();
  for (const [name, text, mode] of files) {
    writeFileSync(path.join(target, name), text);
    chmodSync(path.join(target, name), mode);
    // With its Unix mode: run_autograder stays executable when unzipped.
    zip.addFile(name, Buffer.from(text), '', mode);
  }
  zip.writeZip(path.join(target, 'autograder.zip'));
  return [...files.map(([name]) => name), 'autograder.zip'];
}
