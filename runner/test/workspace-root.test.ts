// Where the learner's workspace is: SYSCALL_KATAS_WORKSPACE, else the nearest
// folder marked by `init` from the current directory upwards, else (a clone)
// the clone's own workspace/. The installed case (no marker: "run init") is
// run against a real install in package.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths.js';
import { cacheDir, initWorkspace, isInstalled, locateWorkspace, MARKER, WorkspaceError } from '../src/workspace-root.js';

describe('workspace location', () => {
  const saved = process.env.SYSCALL_KATAS_WORKSPACE;
  let root: string;
  beforeEach(() => {
    delete process.env.SYSCALL_KATAS_WORKSPACE;
    root = mkdtempSync(path.join(os.tmpdir(), 'syscall-katas-ws-'));
  });
  afterEach(() => {
    process.env.SYSCALL_KATAS_WORKSPACE = saved;
  });

  it('init marks a folder, and every folder inside it finds that one', () => {
    const w = initWorkspace(path.join(root, 'course'), '0.0.0-test');
    expect(w.created).toBe(true);
    expect(JSON.parse(readFileSync(path.join(root, 'course', MARKER), 'utf8'))).toEqual({ course: 'syscall-katas', formatVersion: 1, createdWith: '0.0.0-test' });
    const deep = path.join(root, 'course', 'notes', 'day1');
    mkdirSync(deep, { recursive: true });
    expect(locateWorkspace(deep)).toEqual({ dir: path.join(root, 'course'), how: 'marker' });
    expect(locateWorkspace(path.join(root, 'course'))).toEqual({ dir: path.join(root, 'course'), how: 'marker' });
  });

  it('init again is a no-op; init refuses a folder with other things in it', () => {
    initWorkspace(path.join(root, 'course'), '1');
    expect(initWorkspace(path.join(root, 'course'), '2').created).toBe(false);
    mkdirSync(path.join(root, 'project'));
    writeFileSync(path.join(root, 'project', 'main.rs'), '');
    expect(() => initWorkspace(path.join(root, 'project'), '1')).toThrow(/not empty and not a workspace/);
  });

  it('the nearest marker wins, and init inside a workspace says so', () => {
    initWorkspace(path.join(root, 'outer'), '1');
    const inner = initWorkspace(path.join(root, 'outer', 'inner'), '1');
    expect(inner.note).toContain(path.join(root, 'outer'));
    expect(locateWorkspace(path.join(root, 'outer', 'inner')).dir).toBe(path.join(root, 'outer', 'inner'));
  });

  it('SYSCALL_KATAS_WORKSPACE overrides the marker', () => {
    initWorkspace(path.join(root, 'course'), '1');
    process.env.SYSCALL_KATAS_WORKSPACE = path.join(root, 'elsewhere');
    expect(locateWorkspace(path.join(root, 'course'))).toEqual({ dir: path.join(root, 'elsewhere'), how: 'env' });
  });

  it('a marker that is not ours is an error naming the file and the field', () => {
    writeFileSync(path.join(root, MARKER), JSON.stringify({ course: 'rustlings', formatVersion: 1 }));
    expect(() => locateWorkspace(root)).toThrow(WorkspaceError);
    expect(() => locateWorkspace(root)).toThrow(new RegExp(`${MARKER}: course: must be "syscall-katas"`));
    writeFileSync(path.join(root, MARKER), '{ not json');
    expect(() => locateWorkspace(root)).toThrow(/is not a workspace marker/);
  });

  it('a clone with no marked folder around keeps its own workspace/; caches live in the workspace', () => {
    expect(isInstalled()).toBe(false);
    expect(locateWorkspace(root)).toEqual({ dir: path.join(repoRoot, 'workspace'), how: 'clone' });
    process.env.SYSCALL_KATAS_WORKSPACE = path.join(root, 'ws');
    expect(cacheDir()).toBe(path.join(root, 'ws', '.cache'));
  });
});
