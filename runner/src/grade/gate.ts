// The gate that lets `grade --jobs N` grade students side by side without
// moving a verdict: builds, cases and syscall counts share the machine, a
// timing run has it to itself. An exclusive step waits for the shared ones
// under way to end, and shared steps asked for after it wait for it (so a
// stream of builds never starves a timing run). Within one process: every job
// is a promise of this one.
import type { RunGate } from '../checks/run.js';

type Waiter = { exclusive: boolean; go: () => void };

export class TimingGate implements RunGate {
  private running = 0;
  private exclusiveRunning = false;
  private readonly queue: Waiter[] = [];

  shared<T>(step: () => Promise<T>): Promise<T> {
    return this.run(false, step);
  }

  exclusive<T>(step: () => Promise<T>): Promise<T> {
    return this.run(true, step);
  }

  private async run<T>(exclusive: boolean, step: () => Promise<T>): Promise<T> {
    await this.enter(exclusive);
    try {
      return await step();
    } finally {
      this.leave(exclusive);
    }
  }

  private canEnter(exclusive: boolean): boolean {
    if (this.exclusiveRunning) return false;
    return exclusive ? this.running === 0 : true;
  }

  private enter(exclusive: boolean): Promise<void> {
    // First come, first served: nobody overtakes a waiter (a waiting timing run holds back later builds).
    if (this.queue.length === 0 && this.canEnter(exclusive)) {
      this.admit(exclusive);
      return Promise.resolve();
    }
    return new Promise((go) => this.queue.push({ exclusive, go }));
  }

  private admit(exclusive: boolean): void {
    this.running++;
    if (exclusive) this.exclusiveRunning = true;
  }

  private leave(exclusive: boolean): void {
    this.running--;
    if (exclusive) this.exclusiveRunning = false;
    while (this.queue.length && this.canEnter(this.queue[0]!.exclusive)) {
      const next = this.queue.shift()!;
      this.admit(next.exclusive);
      next.go();
    }
  }
}

/** The gate as one kata sees it: the time its steps spent waiting is not the kata's (its time limit stretches by it). */
export function waitCounting(gate: RunGate, onWait: (ms: number) => void): RunGate {
  const wrap =
    (how: 'shared' | 'exclusive') =>
    <T>(step: () => Promise<T>): Promise<T> => {
      const asked = performance.now();
      return gate[how](() => {
        onWait(performance.now() - asked);
        return step();
      });
    };
  return { shared: wrap('shared'), exclusive: wrap('exclusive') };
}
