// Runs the trusted toolchain (cc, nm, objdump, strace -V, qemu --version) with
// zx. Learner programs never go through here: see sandbox.ts.

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runTool(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number; input?: string; env?: Record<string, string> } = {}): Promise<ToolResult> {
  try {
    const { $ } = await import('zx'); // loaded on first use: `list` never needs it
    const p = await $({
      cwd: opts.cwd,
      nothrow: true,
      quiet: true,
      timeout: opts.timeoutMs ?? 60_000,
      ...(opts.input !== undefined ? { input: opts.input } : {}),
      ...(opts.env ? { env: { ...process.env, ...opts.env } } : {}),
    })`${cmd} ${args}`;
    return { code: p.exitCode ?? 1, stdout: p.stdout, stderr: p.stderr };
  } catch (e) {
    return { code: 127, stdout: '', stderr: `could not run ${cmd}: ${(e as Error).message}` };
  }
}
