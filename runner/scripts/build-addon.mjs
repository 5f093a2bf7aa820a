// Builds the optional native addon (native/addon -> build/Release/launch.node)
// with node-gyp. Run by `npm install` (the prepare script) and `npm run build:addon`.
// It prints one line and always exits 0: the runner works without the addon,
// and `syscall-katas doctor` says what is lost.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const addonDir = path.join(repo, 'native', 'addon');
const built = path.join('native', 'addon', 'build', 'Release', 'launch.node');

function notBuilt(why) {
  console.warn(
    `syscall-katas: native addon not built (${why}); the runner works without it, \`syscall-katas doctor\` says what is lost`,
  );
}

/** node-gyp's entry point: node_modules/.bin first, else wherever npm hoisted the package. */
function findNodeGyp() {
  const bin = path.join(repo, 'node_modules', '.bin', 'node-gyp');
  if (existsSync(bin)) return { cmd: bin, args: [] };
  try {
    const script = createRequire(path.join(repo, 'package.json')).resolve('node-gyp/bin/node-gyp.js');
    return { cmd: process.execPath, args: [script] };
  } catch {
    return undefined;
  }
}

/** The first line of the build's output that says what went wrong. */
function firstError(output) {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const kinds = [
    /(^|[\s:])(fatal )?error:/i, // the compiler's "launch.cc:1:2: error: ..."
    /^[\w.]*(Error|Exception)\b/, // python's or node's "FileNotFoundError: ..."
    /\berror\b/i, // make's "*** ... Error 1"
  ];
  const line =
    kinds.map((k) => lines.find((l) => k.test(l) && !l.startsWith('gyp '))).find(Boolean) ??
    lines.find((l) => l.startsWith('gyp ERR!') && !/^gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l)) ??
    lines.at(-1) ??
    'no output';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function main() {
  if (process.platform !== 'linux') return notBuilt(`it is Linux-only, this is ${process.platform}`);
  const gyp = findNodeGyp();
  if (!gyp) return notBuilt('node-gyp is not installed');
  const args = [...gyp.args, 'rebuild', '--directory', addonDir];
  // Offline builds: outside `npm run` npm's nodedir setting is not in the
  // environment, so point node-gyp at the running node's own headers when it
  // has them (<prefix>/include/node), instead of letting it download them.
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!process.env.npm_config_nodedir && existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) {
    args.push(`--nodedir=${prefix}`);
  }
  const started = performance.now();
  const r = spawnSync(gyp.cmd, args, {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10 * 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) return notBuilt(`node-gyp could not run: ${r.error.message}`);
  if (r.status !== 0) return notBuilt(firstError(`${r.stdout ?? ''}\n${r.stderr ?? ''}`));
  if (!existsSync(path.join(repo, built))) return notBuilt(`node-gyp succeeded but ${built} is missing`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(`syscall-katas: native addon built (${built}, ${seconds} s)`);
}

try {
  main();
} catch (e) {
  notBuilt(e instanceof Error ? e.message : String(e));
}
process.exitCode = 0;
