import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Rng } from '@va/core';
import { parseSafetensors, serializeSafetensors } from '@va/lm/safetensors';
import { tempDir } from '@va/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { HeadTrainingConfig } from '../src/head-trainer.js';

const run = promisify(execFile);
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const va = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: new URL('..', import.meta.url).pathname,
  });
/** Runs the command to the end: its exit code and output, whatever the code. */
const vaExit = (...args: string[]) =>
  va(...args).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({
      code: e.code,
      stdout: e.stdout,
      stderr: e.stderr,
    }),
  );

/** Every file under `dir` with a hash of its content, to show that nothing changed. */
function snapshot(dir: string): Record<string, string> {
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => {
        const path = join(e.parentPath, e.name);
        return [path, createHash('sha256').update(readFileSync(path)).digest('hex')];
      }),
  );
}

describe('va-ensemble', () => {
  const dir = tempDir('va-cli-');
  const rng = new Rng(3);
  const good = ['great', 'helpful', 'kind', 'clear', 'thanks'];
  const bad = ['awful', 'rude', 'useless', 'wrong', 'never'];
  const rows = Array.from({ length: 120 }, (_, i) => {
    const words = (list: string[]) => Array.from({ length: 4 }, () => list[rng.int(5)]).join(' ');
    return JSON.stringify({
      chosen: `\n\nHuman: question ${i}?\n\nAssistant: ${words(good)}`,
      rejected: `\n\nHuman: question ${i}?\n\nAssistant: ${words(bad)}`,
    });
  });
  rows.splice(7, 0, '{"chosen": "no dialogue here", "rejected": 1}');
  writeFileSync(join(dir, 'pairs.jsonl'), rows.join('\n'));

  it('trains, reports per-member accuracy and the Figure 8 plots, saves, analyses and scores', async () => {
    const out = join(dir, 'model');
    const t = await va(
      'train',
      '--data',
      join(dir, 'pairs.jsonl'),
      '--k',
      '4',
      '--out',
      out,
      '--no-cache',
      '--epochs',
      '20',
      '--lr',
      '0.05',
    );
    expect(t.stdout).toMatch(/test \(24 held-out pairs\)/);
    expect(t.stdout).toMatch(/all +pairs +24 +ensemble mean 100\.0%/);
    expect(t.stderr).toMatch(/skipped row 8: /);
    for (const f of [
      'ensemble.json',
      'heads.safetensors',
      'metrics.json',
      'report/REPORT.md',
      'report/figures/difference-variance.png',
    ]) {
      expect(existsSync(join(out, f))).toBe(true);
    }
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8'));
    expect(metrics.test[0].memberAccuracy).toHaveLength(4);

    const a = await va(
      'analyze',
      '--model',
      out,
      '--data',
      join(dir, 'pairs.jsonl'),
      '--out',
      join(dir, 'analysis'),
    );
    expect(a.stdout).toMatch(/all +pairs +120/);
    expect(existsSync(join(dir, 'analysis', 'REPORT.md'))).toBe(true);

    const s = await va(
      'score',
      '--model',
      out,
      '--prompt',
      'question 1?',
      '--response',
      'great kind thanks',
    );
    const scored = JSON.parse(s.stdout);
    expect(scored.members).toHaveLength(4);
    expect(scored.variance).toBeGreaterThan(0);
    const worse = JSON.parse(
      (await va('score', '--model', out, '--prompt', 'question 1?', '--response', 'rude awful'))
        .stdout,
    );
    expect(scored.mean).toBeGreaterThan(worse.mean);
  });

  it("prints help whose defaults are the config schemas'", async () => {
    const { stdout } = await va('--help');
    expect(stdout).toMatch(
      new RegExp(
        `--lr <x> +peak learning rate .*\\(default: ${HeadTrainingConfig.defaults.learningRate}\\)`,
      ),
    );
    expect(stdout).toMatch(/--stage1-lr <x> +.*\(default: 1e-5\)/);
    expect(stdout).toMatch(/--test-fraction <x> +.*\(default: 0\.2\)/);
  });

  it('explains usage errors', async () => {
    await expect(
      va('train', '--k', 'three', '--data', join(dir, 'pairs.jsonl')),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--k must be an integer/),
    });
    await expect(
      va('train', '--data', join(dir, 'pairs.jsonl'), '--stage1-lr', '1e-4'),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/--stage1-lr needs --stage1/),
    });
    await expect(va('train', '--dta', 'x')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/unknown option '--dta'. Did you mean --data\?/),
    });
    await expect(
      va('analyze', '--model', join(dir, 'none'), '--data', join(dir, 'pairs.jsonl')),
    ).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/cannot read/),
    });
  });

  // Issue 15: commands that fail safe. One small model serves the tests below.
  const fast = ['--k', '3', '--no-cache', '--epochs', '2'];
  const noStack = (stderr: string) => expect(stderr).not.toMatch(/\n\s+at /);
  const trained = join(tempDir('va-cli-model-'), 'model');
  beforeAll(async () => {
    await va('train', '--data', join(dir, 'pairs.jsonl'), '--out', trained, ...fast);
  }, 60_000);
  const copyOfModel = () => {
    const copy = join(tempDir('va-cli-copy-'), 'model');
    cpSync(trained, copy, { recursive: true });
    return copy;
  };

  it('stops a diverged run naming the step and the cause, and keeps the previous model whole', async () => {
    const out = copyOfModel();
    const root = join(out, '..');
    const data = join(dir, 'pairs.jsonl');
    const before = snapshot(out);
    expect(Object.keys(before).some((f) => f.endsWith('REPORT.md'))).toBe(true);

    const r = await vaExit(
      'train',
      '--data',
      data,
      '--out',
      out,
      '--k',
      '3',
      '--no-cache',
      '--lr',
      '1e6',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\nva-ensemble: trainHeads: member \d diverged at step \d+ of 24: (its loss is (NaN|Infinity)|a weight reached -?[\d.]+e\+\d+, beyond float32)\. Likely cause: learningRate 1000000 is too high for these features \(the default is 0\.003\); lower it, or clip each gradient with maxGradNorm\.\n$/,
    );
    noStack(r.stderr);
    expect(r.stdout).not.toMatch(/validation|NaN/);
    expect(snapshot(out)).toEqual(before);
    expect(readdirSync(root)).toEqual(['model']);

    // A new model never sits beside an older report: without a test split there is none.
    expect(
      (await vaExit('train', '--data', data, '--out', out, ...fast, '--test-fraction', '0')).code,
    ).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['ensemble.json', 'heads.safetensors', 'metrics.json']);
    expect(JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')).test).toBeUndefined();
  }, 60_000);

  it('refuses to load non-finite heads, and never prints null scores', async () => {
    const out = copyOfModel();
    const file = join(out, 'heads.safetensors');
    const w = parseSafetensors(new Uint8Array(readFileSync(file))).tensors.get('score.weight')!;
    const data = Float32Array.from(w.data).fill(Number.NaN);
    writeFileSync(
      file,
      serializeSafetensors(new Map([['score.weight', { shape: w.shape, data }]])),
    );
    const r = await vaExit('score', '--model', out, '--prompt', 'q?', '--response', 'great');
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `va-ensemble: RewardEnsemble.load: ${file} holds a non-finite score.weight of member 0 (NaN): the run that saved it diverged. Fix: train again with a lower learning rate (--lr)\n`,
    });
  }, 60_000);

  it('names the file and the fix for common mistakes, before any work and without a stack', async () => {
    const root = tempDir('va-cli-io-');
    const data = join(dir, 'pairs.jsonl');
    writeFileSync(join(root, 'file'), '');
    const gz = gzipSync(readFileSync(data));
    writeFileSync(join(root, 'cut.jsonl.gz'), gz.subarray(0, gz.length >> 1));
    const cases: [string[], string][] = [
      [
        ['train', '--data', root, '--out', join(root, 'm')],
        `--data ${root}: is a folder, not a file. Fix: pass a file inside it`,
      ],
      [
        ['train', '--data', join(root, 'cut.jsonl.gz'), '--out', join(root, 'm')],
        `readPreferencePairs: ${join(root, 'cut.jsonl.gz')} is not a complete gzip file (unexpected end of file); download or compress it again`,
      ],
      [
        ['train', '--data', data, '--out', join(root, 'file', 'm')],
        `--out ${join(root, 'file', 'm')}: ${join(root, 'file')} is a file, not a folder. Fix: choose a path outside it for --out`,
      ],
      [
        ['train', '--data', data, '--out', join(root, 'm'), '--cache', join(root, 'file', 'c')],
        `--cache ${join(root, 'file', 'c')}: ${join(root, 'file')} is a file, not a folder. Fix: choose a path outside it for --cache`,
      ],
      [
        ['train', '--data', data, '--out', root],
        `--out ${root}: holds other files (cut.jsonl.gz, file) and no ensemble.json of an earlier run, and would be replaced as a whole. Fix: choose a new or empty folder`,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await vaExit(
        ...args,
        ...fast.filter((a) => a !== '--no-cache' || !args.includes('--cache')),
      );
      expect(r.code).toBe(1);
      expect(r.stderr.split('\n').filter(Boolean).at(-1)).toBe(`va-ensemble: ${message}`);
      // Checked before the data is embedded or anything trained.
      expect(r.stderr).not.toMatch(/backbone|train heads/);
      noStack(r.stderr);
    }
    expect(readdirSync(root).sort()).toEqual(['cut.jsonl.gz', 'file']);

    const model = trained;
    const noHeads = join(root, 'no-heads');
    cpSync(model, noHeads, { recursive: true });
    rmSync(join(noHeads, 'heads.safetensors'));
    const missing = await vaExit('score', '--model', noHeads, '--prompt', 'q', '--response', 'r');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      /^va-ensemble: RewardEnsemble.load: cannot read .*no-heads\/heads.safetensors \(ENOENT: no such file or directory, open '.*'\)\. Fix: save the ensemble again \(va-ensemble train\), or copy the whole folder it was saved in\n$/,
    );
    // Bad JSON and wrong fields in score --data, named by the file's own line (blank lines count).
    const queries = join(root, 'queries.jsonl');
    writeFileSync(queries, '{"prompt": "q", "response": "r"}\n\n\n{"prompt": "q", "response": \n');
    expect(await vaExit('score', '--model', model, '--data', queries)).toEqual({
      code: 1,
      stdout: '',
      stderr: `va-ensemble: ${queries} line 4: not valid JSON (Unexpected end of JSON input). Fix: one {"prompt": "...", "response": "..."} object per line\n`,
    });
    writeFileSync(queries, '{"prompt": "q", "response": "r"}\n\n\n\n{"prompt": "q"}\n');
    expect((await vaExit('score', '--model', model, '--data', queries)).stderr).toBe(
      `va-ensemble: ${queries} line 5: expected string fields prompt and response. Fix: one {"prompt": "...", "response": "..."} object per line\n`,
    );
  }, 90_000);

  it('rejects numbers that would train on nothing, and files without usable pairs', async () => {
    const root = tempDir('va-cli-num-');
    const out = join(root, 'm');
    const data = join(dir, 'pairs.jsonl');
    for (const limit of ['0', '-1']) {
      expect(await vaExit('train', '--data', data, '--out', out, '--limit', limit)).toEqual({
        code: 2,
        stdout: '',
        stderr: `va-ensemble: --limit: must be a positive integer (got ${limit})\nRun 'va-ensemble --help' for usage.\n`,
      });
    }
    expect((await vaExit('train', '--data', data, '--out', out, '--k', '1')).stderr).toBe(
      "va-ensemble: --k must be at least 2 (the variance needs 2 members)\nRun 'va-ensemble --help' for usage.\n",
    );
    const tooFew = await vaExit('train', '--data', data, '--out', out, '--limit', '5', ...fast);
    expect(tooFew.code).toBe(1);
    expect(tooFew.stderr).toMatch(
      /\nva-ensemble: 5 usable pairs in .*pairs.jsonl are too few: --test-fraction 0\.2 and --validation-fraction 0\.1 need at least 6 \(one test, one validation and one training pair\)\. Fix: use more pairs, or lower the fractions \(0 turns a split off\)\n$/,
    );
    const empty = join(root, 'empty.jsonl');
    writeFileSync(empty, '\n\n');
    expect((await vaExit('train', '--data', empty, '--out', out)).stderr).toMatch(
      new RegExp(`\\nva-ensemble: no usable pairs in ${empty}: it holds no rows\\n$`),
    );
    const bad = join(root, 'bad.jsonl');
    writeFileSync(bad, '{"chosen": "a"}\n{"chosen": "b"}\nnope\n');
    const r = await vaExit('train', '--data', bad, '--out', out);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /\nva-ensemble: no usable pairs in .*bad\.jsonl \(3 rows skipped: rows 1, 2: 'rejected' is missing or null; .*; row 3: not valid JSON \(.*\)\)\. Fix: give each row a prompt with a chosen and a rejected response \(HH-RLHF, message lists or RewardBench rows\)\n$/,
    );
    expect(readdirSync(root).sort()).toEqual(['bad.jsonl', 'empty.jsonl']);
  }, 60_000);
});
