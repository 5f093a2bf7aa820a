// Builds or finds the native addon (native/addon: launch.node), which grading
// needs for its rlimits, rusage and a non-dumpable runner.
//   node runner/scripts/build-addon.mjs            build from source (`npm run build:addon`)
//   node runner/scripts/build-addon.mjs --install  the package's install script: the prebuilt
//                                                   addon when one loads here, else build it
// It always exits 0: the runner still works without the addon, and
// `syscall-katas doctor` says what is lost (and exits 1). On a failed build the
// cause is printed and the whole log kept in native/addon/build-error.log.
import { existsSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { addonDir, buildLog, nodeGypRebuild, repo } from './node-gyp.mjs';

const require = createRequire(import.meta.url);
const say = (line) => console.error(`syscall-katas: ${line}`);

/** The prebuilt addon for this platform, if the package has one and it loads here. */
function loadablePrebuild() {
  if (!existsSync(path.join(addonDir, 'prebuilds'))) return undefined; // a clone: nothing prebuilt
  try {
    const file = require('node-gyp-build').path(addonDir);
    if (!file.includes(`${path.sep}prebuilds${path.sep}`)) return undefined;
    require(file);
    return { file };
  } catch (e) {
    return { error: e instanceof Error ? e.message.split('\n')[0] : String(e) };
  }
}

function main() {
  if (process.argv.includes('--install')) {
    const pre = loadablePrebuild();
    if (pre?.file) {
      rmSync(buildLog, { force: true });
      return say(`native addon: using the prebuilt ${path.relative(repo, pre.file)}`);
    }
    if (pre?.error) say(`native addon: the prebuilt one does not load here (${pre.error}); building it from source`);
  }
  const r = nodeGypRebuild();
  if (r.ok) {
    rmSync(buildLog, { force: true });
    return say(`native addon built (${path.relative(repo, r.file)}, ${r.seconds.toFixed(1)} s)`);
  }
  say('native addon NOT built. The runner works without it, but grading loses its rlimits, rusage and');
  say('non-dumpable runner; `syscall-katas doctor` says so and exits 1. Why the build failed:');
  for (const line of r.cause) console.error(`    ${line}`);
  if (r.log) say(`the whole build log: ${r.log}`);
  say('it needs python3, make, g++ and the Node headers (node-gyp downloads them unless --nodedir is set);');
  say(`then run: node ${path.join(repo, 'runner', 'scripts', 'build-addon.mjs')}`);
}

try {
  main();
} catch (e) {
  say(`native addon NOT built: ${e instanceof Error ? e.message : String(e)}`);
}
process.exitCode = 0;
