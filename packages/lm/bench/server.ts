// The benches' child processes: a server answering one JSON line per request line (tfjs on a given
// number of wasm threads, PyTorch), so that the sides of a comparison interleave their runs, and
// the fastest wasm matrix product here (bench/matmul-peak.ts), measured in a child per thread count.

import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** A child process answering one JSON line per JSON request line. */
export class LineServer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: AsyncIterator<string>;

  constructor(command: string, args: string[], cwd?: string) {
    this.child = spawn(command, args, cwd ? { cwd } : {});
    this.child.stderr.pipe(process.stderr);
    this.answers = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  async ask(request: object): Promise<Record<string, unknown>> {
    this.child.stdin.write(`${JSON.stringify(request)}\n`);
    const next = await this.answers.next();
    if (next.done) throw new Error(`${this.child.spawnargs.join(' ')} ended early (see above)`);
    return JSON.parse(next.value);
  }

  close(): void {
    this.child.stdin.end();
  }
}

/** Answers requests on stdin with `handle` until stdin closes (the child side of a LineServer). */
export async function serveLines(handle: (request: Record<string, unknown>) => Promise<object>) {
  for await (const line of createInterface({ input: process.stdin })) {
    process.stdout.write(`${JSON.stringify(await handle(JSON.parse(line)))}\n`);
  }
}

/** The fastest wasm matrix product here on `threads` threads, in GFLOP/s (bench/matmul-peak.ts). */
export async function matmulPeak(threads: number): Promise<number> {
  const dir = dirname(fileURLToPath(import.meta.url));
  const script = join(dir, 'matmul-peak.ts');
  const text = await new Promise<string>((ok, fail) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', script, '--threads', String(threads)],
      {
        cwd: join(dir, '..'),
      },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.pipe(process.stderr);
    child.on('close', (code) =>
      code === 0 ? ok(out) : fail(new Error(`${script}: exit ${code}`)),
    );
  });
  return (JSON.parse(text.trim().split('\n').pop()!) as { best: number }).best;
}
