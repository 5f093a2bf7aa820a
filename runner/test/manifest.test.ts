// A broken manifest fails loudly, naming the file and the field.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KataSetError, loadKatas, loadManifest } from '../src/katas.js';

const fixtures = path.join(import.meta.dirname, 'fixtures', 'manifests');

describe('broken manifests', () => {
  for (const name of readdirSync(fixtures)) {
    const { manifest, error } = JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as { manifest: unknown; error: string };
    it(`${name.replace('.json', '')}: says "${error}"`, () => {
      const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'x86-write');
      mkdirSync(dir);
      const file = path.join(dir, 'kata.json');
      writeFileSync(file, JSON.stringify(manifest));
      let thrown: unknown;
      try {
        loadManifest(file, 'x86-write');
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(KataSetError);
      expect((thrown as KataSetError).message).toContain('kata.json');
      expect((thrown as KataSetError).problem).toBe(error);
    });
  }

  it('reports invalid JSON with the file name', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'manifest-')), 'kata.json');
    writeFileSync(file, '{ "id": ');
    expect(() => loadManifest(file)).toThrow(/kata\.json: is not valid JSON/);
  });
});

describe('the shipped kata set', () => {
  it('loads: every manifest valid, every kata in course order', () => {
    const set = loadKatas();
    expect(set.katas.length).toBeGreaterThanOrEqual(12);
    expect(new Set(set.katas.map((k) => k.id)).size).toBe(set.katas.length);
  });
  it('has at least 7 x86-64 and 5 ARM64 katas, and one for both arches', () => {
    const { katas } = loadKatas();
    expect(katas.filter((k) => k.arch === 'x86_64').length).toBeGreaterThanOrEqual(7);
    expect(katas.filter((k) => k.arch === 'aarch64').length).toBeGreaterThanOrEqual(5);
    expect(katas.some((k) => k.arch === 'any')).toBe(true);
  });
});
