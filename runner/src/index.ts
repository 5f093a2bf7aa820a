// The public API, for scripts that drive the runner without the CLI.
export { availabilityOf } from './availability.js';
export { buildKata } from './build.js';
export { checkKata, type CheckOptions } from './judge.js';
export { findKata, KataSetError, loadKatas, loadManifest } from './katas.js';
export type { Kata, KataManifest } from './manifest.js';
export type { CheckResult, KataResult } from './result.js';
export { verifyKata } from './verify.js';
