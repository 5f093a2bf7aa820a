import { describe, expect, it } from 'vitest';
import { budgetHere, figuresOf, isUnstable, judgeBudget } from '../src/budget.js';

const series = (ns: number[], cpu = ns) => ({ iters: 1000, rerun: 0, disturbed: 0, wallNs: ns, cpuNs: cpu });

describe('budgetHere', () => {
  const refs = { 'null-syscall': 160, 'function-call': 1, 'vdso-clock': 20 };
  it('scales a ratio by the kata reference measured in the same run', () => {
    const b = budgetHere({ ratio: 1.15 }, { label: 'libc syscall()', ns: 100 }, refs) as { ns: number; derivation: string };
    expect(b.ns).toBeCloseTo(115);
    expect(b.derivation).toBe('1.15 × libc syscall() 100 ns');
  });
  it('scales reference-machine ns by a reference operation here', () => {
    const b = budgetHere({ ns: 220, scaleBy: 'null-syscall', referenceNs: 110 }, { label: 'x', ns: 1 }, refs);
    expect(b).toMatchObject({ ns: 320 });
    expect((b as { derivation: string }).derivation).toContain('null syscall here 160 ns / there 110 ns');
  });
  it('leaves an unscaled budget alone, but applies the instructor scale', () => {
    expect(budgetHere({ ns: 30, scaleBy: 'none' }, { label: 'x', ns: 1 }, refs, 2)).toMatchObject({ ns: 60 });
  });
  it('says so when the reference was not measured', () => {
    expect(budgetHere({ ns: 30, scaleBy: 'vdso-clock', referenceNs: 20 }, { label: 'x', ns: 1 }, {})).toHaveProperty('error');
  });
});

describe('judgeBudget', () => {
  it('passes and fails clearly outside the noise band', () => {
    const f = figuresOf(series([100, 101, 99]), series([100, 100, 100]), 0);
    expect(judgeBudget(f, 120)).toBe('pass');
    expect(judgeBudget(f, 80)).toBe('fail');
  });
  it('calls a result inside the noise band borderline rather than flipping', () => {
    const f = figuresOf(series([100, 110, 90, 100, 104]), series([100, 100, 100]), 0);
    expect(judgeBudget(f, 102)).toBe('borderline');
    expect(judgeBudget(f, 98)).toBe('borderline');
  });
  it('subtracts the loop overhead from both sides', () => {
    const f = figuresOf(series([10]), series([20]), 2);
    expect(f.nsPerCall).toBe(8);
    expect(f.referenceNsPerCall).toBe(18);
  });
  it('flags a wide spread or mostly disturbed epochs as unstable, and a busy machine by wall/CPU', () => {
    expect(isUnstable(figuresOf(series([100, 120, 80, 100, 130]), series([100]), 0))).toBe(true);
    const busy = figuresOf(series([200, 200, 200], [100, 100, 100]), series([100]), 0);
    expect(busy.busyRatio).toBe(2);
    expect(isUnstable(figuresOf({ ...series([100, 100, 100]), disturbed: 3 }, series([100]), 0))).toBe(true);
  });
});

describe.runIf(process.arch === 'x64')('a budget scaled by a reference operation, end to end', () => {
  it('measures that reference in the same run and derives the budget from it', async () => {
    const { checkKata } = await import('../src/judge.js');
    const { findKata } = await import('../src/katas.js');
    const { solutionFile } = await import('../src/paths.js');
    const base = findKata('x86-cost');
    // x86-cost's budget restated as ns on a reference machine, scaled by the null syscall here.
    const kata = {
      ...base,
      checks: base.checks.map((c) => (c.kind === 'ns-per-call' ? { ...c, budget: { ns: 190, scaleBy: 'null-syscall' as const, referenceNs: 165 } } : c)),
    };
    const result = await checkKata(kata, solutionFile('x86-cost'));
    const budget = result.checks.find((c) => c.kind === 'ns-per-call')!;
    expect(budget.status).toBe('pass');
    expect(budget.budget!.references['null-syscall']).toBeGreaterThan(0);
    expect(budget.budget!.derivation).toMatch(/^190 ns on the reference machine × null syscall here \d+ ns \/ there 165 ns$/);
  }, 60_000);
});
