import { describe, expect, it } from 'vitest';
import { EXIT, exitCodeOf, runCommand } from '../src/command.js';
import { ConfigError, ResourceError, UsageError } from '../src/errors.js';

function sink() {
  const chunks: string[] = [];
  return { write: (c: string) => chunks.push(c), text: () => chunks.join('') };
}

describe('runCommand', () => {
  const previous = process.exitCode;
  const run = async (error: unknown) => {
    const err = sink();
    const code = await runCommand(
      'va',
      () => {
        throw error;
      },
      err,
    );
    process.exitCode = previous;
    return { code, text: err.text() };
  };

  it('exits 2 on usage and config problems, with a pointer to --help', async () => {
    expect(await run(new UsageError('--k must be an integer'))).toEqual({
      code: 2,
      text: "va: --k must be an integer\nRun 'va --help' for usage.\n",
    });
    expect((await run(new ConfigError('PPOConfig', 'beta', 'must be > 0'))).code).toBe(EXIT.usage);
  });

  it('exits 1 on failures without a stack trace, and prints the stack of a bug', async () => {
    expect(await run(new ResourceError('cannot read x.jsonl'))).toEqual({
      code: 1,
      text: 'va: cannot read x.jsonl\n',
    });
    const enoent = Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), {
      code: 'ENOENT',
      syscall: 'open',
    });
    expect(await run(enoent)).toEqual({
      code: 1,
      text: "va: ENOENT: no such file or directory, open 'x'\n",
    });
    const bug = await run(new TypeError('x is undefined'));
    expect(bug.code).toBe(1);
    expect(bug.text).toMatch(/a bug.*\nTypeError: x is undefined\n\s+at /s);
    expect(exitCodeOf(new Error('x'))).toBe(1);
  });

  it('exits 0 when main finishes', async () => {
    const code = await runCommand('va', async () => {}, sink());
    process.exitCode = previous;
    expect(code).toBe(0);
  });

  it('exits with the code main returns', async () => {
    const code = await runCommand('va', async () => 130, sink());
    const exitCode = process.exitCode;
    process.exitCode = previous;
    expect([code, exitCode]).toEqual([130, 130]);
  });
});
