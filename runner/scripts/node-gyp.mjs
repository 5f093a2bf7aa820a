// Runs node-gyp on native/addon and, when it fails, says why in a few lines
// (the compiler's errors, node-gyp's own "gyp ERR!" cause) with the whole log
// kept in a file. Shared by build-addon.mjs (install, `npm run build:addon`)
// and prepack.mjs (the prebuilds shipped in the package). Everything it prints
// goes to stderr: `npm pack --json` keeps stdout for its JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const addonDir = path.join(repo, 'native', 'addon');
/** Where the log of the last failed build goes; addon.ts points at it. */
export const buildLog = path.join(addonDir, 'build-error.log');

/** node-gyp's entry point: wherever npm put the package (ours, or hoisted beside us). */
function findNodeGyp() {
  try {
    return createRequire(path.join(repo, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
  } catch {
    return undefined;
  }
}

/**
 * The lines that say what went wrong: the compiler's first errors, then
 * node-gyp's own (a download that failed, Python not found), without its
 * boilerplate (versions, cwd, the command line, "not ok").
 */
export function causeOf(output) {
  const lines = output.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim());
  const compiler = lines.filter((l) => /(^|[\s:])(fatal )?error:/i.test(l) && !l.startsWith('gyp ')).slice(0, 3);
  const make = lines.filter((l) => /^make(\[\d+\])?: \*\*\*/.test(l) || /: (No such file or directory|not found|command not found)$/.test(l)).slice(0, 2);
  // Python's exception (gyp itself failed), the last line of its traceback.
  const python = lines.filter((l) => /^[A-Za-z_.]*(Error|Exception): /.test(l)).slice(-1);
  // node-gyp's error: the phase ("configure error") and its "stack Error: …"
  // sentence, which it splits over lines; not its boilerplate or call stack.
  const phase = lines.find((l) => /^gyp ERR! \w+ error\s*$/.test(l))?.replace(/^gyp ERR! /, '').trim();
  const sentences = [];
  for (const l of lines.filter((l) => l.startsWith('gyp ERR! stack ') && !/^gyp ERR! stack\s+at /.test(l))) {
    const text = l.replace(/^gyp ERR! stack /, '').trim();
    if (/^\w*Error\b/.test(text) || sentences.length === 0) sentences.push(text);
    else sentences[sentences.length - 1] += ` ${text}`;
  }
  const gyp = sentences.map((t) => (phase ? `${phase}: ${t}` : t));
  if (gyp.length === 0) gyp.push(...lines.filter((l) => l.startsWith('gyp ERR!') && !/^gyp ERR! (System|command|cwd|node -v|node-gyp -v|not ok)/.test(l)).map((l) => l.replace(/^gyp ERR! /, '')).slice(0, 3));
  // A failed download is the Node headers': say which, and the way around it.
  const fetched = lines.filter((l) => /^gyp http GET /.test(l)).at(-1)?.replace(/^gyp http GET /, '');
  const network = /network|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONN|getaddrinfo|fetch failed|request to/i;
  if (fetched && gyp.some((l) => network.test(l)))
    gyp.push(`(while downloading the Node headers from ${fetched}: offline, install Node with its headers, <prefix>/include/node, or point npm_config_nodedir at them)`);
  const picked = [...new Set([...compiler, ...make, ...python, ...gyp.slice(0, 3)])];
  return (picked.length ? picked : lines.slice(-3)).map((l) => (l.length > 300 ? `${l.slice(0, 297)}...` : l));
}

/**
 * `node-gyp rebuild` in `dir` (a folder with binding.gyp and src/).
 * Resolves { ok: true, file, seconds } or { ok: false, cause: string[], log }.
 */
export function nodeGypRebuild({ dir = addonDir, arch, env = {}, logFile = buildLog } = {}) {
  let args = [];
  let output = '';
  const fail = (cause) => {
    try {
      writeFileSync(logFile, `# cause: ${cause.join(' | ')}\n$ node ${args.join(' ')}\n${output}`);
      return { ok: false, cause, log: logFile };
    } catch {
      return { ok: false, cause };
    }
  };
  if (process.platform !== 'linux') return fail([`the addon is Linux-only, this is ${process.platform}`]);
  const gyp = findNodeGyp();
  if (!gyp) return fail(['node-gyp is not installed beside syscall-katas (it is a dependency: reinstall the package)']);
  args = [gyp, 'rebuild', '--directory', dir];
  if (arch) args.push(`--arch=${arch}`);
  // Offline builds: outside `npm run` npm's nodedir setting is not in the
  // environment; point node-gyp at the running node's own headers when it has
  // them (<prefix>/include/node) instead of letting it download them.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
  const started = performance.now();
  const r = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: 'utf8',
    // NODE_PATH: binding.gyp asks node for node-addon-api's headers from `dir`, which may be a copy elsewhere.
    env: { ...process.env, NODE_PATH: path.join(repo, 'node_modules'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  if (r.error) return fail([`node-gyp could not run: ${r.error.message}`]);
  if (r.status !== 0) return fail(causeOf(output));
  const file = path.join(dir, 'build', 'Release', 'launch.node');
  if (!existsSync(file)) return fail([`node-gyp succeeded but ${file} is missing`]);
  return { ok: true, file, seconds: (performance.now() - started) / 1000 };
}
