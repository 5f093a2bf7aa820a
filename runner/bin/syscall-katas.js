#!/usr/bin/env node
// Entry point for `npx syscall-katas`. The TypeScript is compiled to
// runner/dist by `npm install` (the "prepare" script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('syscall-katas: the runner is not built yet. Run `npm install` (or `npm run build`) in the repository first.');
  process.exit(2);
}
await import(cli.href);
