#!/usr/bin/env node
// va-judge: judges a JSONL file of (prompt, response) pairs with an OpenAI-compatible endpoint or the
// offline judge, writing intervals, means and variances as JSONL; resumable (see judgeFile).

import { readFileSync } from 'node:fs';
import {
  checkInputFile,
  checkOutputDir,
  checkOutputFile,
  configFlags,
  defineConfig,
  is,
  parseCommandLine,
  runCommand,
  streamLogger,
  streamProgress,
  UsageError,
} from '@va/core';
import { ChatClient } from './chat-client.js';
import { ChatClientConfig, presetConfig } from './chat-client-config.js';
import { ChatJudge, ChatJudgeConfig } from './chat-judge.js';
import type { Judge } from './judge.js';
import { judgeFile } from './judge-file.js';
import { JudgePromptConfig, PROMPT_VERSION, RUBRICS } from './judge-prompt.js';
import { OfflineJudge } from './offline-judge.js';
import { JUDGE_PRESETS } from './presets.js';

/** The command's own settings; the client's and the judge's come from their configs. */
interface JudgeCommandConfig {
  input: string | null;
  output: string | null;
  offline: boolean;
  preset: string | null;
  concurrency: number;
  timeout: number;
  scale: number[];
  rubric: string;
  rubricFile: string | null;
  cacheDir: string;
  promptField: string;
  responseField: string;
  idField: string;
  quiet: boolean;
}

const JudgeCommandConfig = defineConfig<JudgeCommandConfig>('va-judge', {
  input: { default: null, doc: 'JSONL input (or the first argument)', type: 'string' },
  output: { default: null, doc: 'JSONL output, appended to (required)', type: 'string' },
  offline: { default: false, doc: 'the simulated sentiment judge: no network' },
  preset: {
    default: null,
    doc: `a judge preset: ${Object.keys(JUDGE_PRESETS).join(', ')}`,
    type: 'string',
    check: is.nullOr(is.oneOf(...Object.keys(JUDGE_PRESETS))),
  },
  concurrency: { ...ChatClientConfig.schema.concurrency, doc: 'requests in flight' },
  timeout: {
    default: ChatClientConfig.defaults.timeoutMs / 1000,
    doc: 'seconds per attempt',
    check: is.positive,
  },
  scale: {
    default: [JudgePromptConfig.defaults.scaleLow, JudgePromptConfig.defaults.scaleHigh],
    doc: 'score scale LOW,HIGH',
    check: (v) =>
      v.length === 2 && v[0]! < v[1]! ? undefined : 'must be LOW,HIGH with LOW < HIGH',
  },
  rubric: {
    default: 'quality',
    doc: `a named rubric: ${Object.keys(RUBRICS).join(', ')}`,
    check: is.oneOf(...Object.keys(RUBRICS)),
  },
  rubricFile: {
    default: null,
    doc: 'rubric text from a file (overrides --rubric)',
    type: 'string',
  },
  cacheDir: { default: '.va-judge-cache', doc: 'answer cache; --no-cache for none' },
  promptField: { default: 'prompt', doc: 'input field of the prompt' },
  responseField: { default: 'response', doc: 'input field of the response' },
  idField: { default: 'id', doc: 'input field of a row id' },
  quiet: { default: false, doc: 'no progress lines' },
});

const commandFlags = configFlags(JudgeCommandConfig, { short: { output: 'o' } });
const clientFlags = configFlags(ChatClientConfig, {
  only: [
    'baseUrl',
    'model',
    'apiKeyEnv',
    'maxRetries',
    'backoffBaseMs',
    'temperature',
    'maxTokens',
  ],
  names: { backoffBaseMs: 'backoff-ms' },
});
const judgeFlags = configFlags(ChatJudgeConfig, { only: ['maxReasks'] });

const USAGE = `Usage: va-judge <input.jsonl> -o <output.jsonl> [options]

Judges each line {"prompt": ..., "response": ...} and appends one line per judgment to the output:
{"line", "id", "key", "judge", "prompt_version", "settings", "scale", "low", "high", "mean",
"variance", "prompt_tokens", "completion_tokens", "cost_usd", "cached", "attempts", "raw"}. Run it
again to resume: with other judge settings (model, scale, rubric, ...) or input lines changed since
they were judged, it refuses and says what to do.

Judge: --offline, --preset NAME, or --base-url URL --model M (which override the preset's).
Keys come from the environment only (--api-key-env VAR), never from flags.

Options:
${commandFlags.help()}
  -h, --help               this text

Endpoint (with --preset or --base-url):
${clientFlags.help()}

Re-asks:
${judgeFlags.help()}

Exit status: 0 all judged, 1 some lines failed or were malformed (or a file problem), 2 usage
error, 130 interrupted.`;

async function main(): Promise<number> {
  const { values, positionals } = parseCommandLine(process.argv.slice(2), {
    options: { 'no-cache': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    configs: [commandFlags, clientFlags, judgeFlags],
    allowPositionals: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const settings = commandFlags.resolve(values);
  const input = settings.input ?? positionals[0];
  if (!input) throw new UsageError('no input file');
  if (positionals.length > (settings.input ? 0 : 1)) {
    throw new UsageError(`unexpected argument '${positionals.at(-1)}'`);
  }
  const output = settings.output;
  if (!output) throw new UsageError('no output file (-o)');
  const log = streamLogger(process.stderr);
  const [scaleLow, scaleHigh] = settings.scale as [number, number];
  const { concurrency } = settings;

  let judge: Judge;
  let describe: string;
  const endpoint = clientFlags.read(values);
  if (settings.offline) {
    if (settings.preset || endpoint.baseUrl !== undefined || endpoint.model !== undefined) {
      throw new UsageError('--offline takes no --preset, --base-url or --model');
    }
    judge = new OfflineJudge({ scaleLow, scaleHigh });
    describe = `judge ${judge.name}, prompt ${judge.promptVersion}, scale [${scaleLow}, ${scaleHigh}]`;
  } else {
    if (!settings.preset && !(endpoint.baseUrl && endpoint.model)) {
      throw new UsageError(
        'choose a judge: --offline, --preset NAME, or --base-url URL --model NAME',
      );
    }
    const rubric =
      settings.rubricFile !== null
        ? readFileSync(
            await checkInputFile(settings.rubricFile, { label: '--rubric-file' }),
            'utf8',
          )
        : RUBRICS[settings.rubric]!;
    const client = new ChatClient(
      clientFlags.resolve(values, {
        ...(settings.preset ? presetConfig(settings.preset) : {}),
        concurrency,
        timeoutMs: settings.timeout * 1000,
      }),
      { logger: log },
    );
    const cacheDir = values['no-cache'] ? undefined : settings.cacheDir;
    judge = new ChatJudge(client, judgeFlags.resolve(values, { scaleLow, scaleHigh, rubric }), {
      cache: cacheDir,
      logger: log,
    });
    const c = client.config;
    describe = [
      `judge ${judge.name} (${client.shownBaseUrl}), prompt ${PROMPT_VERSION}, scale [${scaleLow}, ${scaleHigh}]`,
      `key from ${c.apiKeyEnv ?? '(none)'}, concurrency ${c.concurrency}, max retries ${c.maxRetries}, timeout ${c.timeoutMs / 1000} s`,
      `temperature ${c.temperature}, cache ${cacheDir ?? 'off'}, prices ${c.prices ? `$${c.prices.inputPerMillion}/$${c.prices.outputPerMillion} per M tokens` : 'unknown'}`,
    ].join('\n  ');
  }
  // The files, once the command line is known to be right and before anything is judged.
  await checkInputFile(input, { label: 'input' });
  await checkOutputFile(output, { label: '-o' });
  if (judge instanceof ChatJudge && judge.cache) {
    await checkOutputDir(judge.cache.dir, { label: '--cache-dir' });
  }
  log.info(`va-judge: ${input} -> ${output}\n  ${describe}`);

  const controller = new AbortController();
  const stop = () => {
    if (controller.signal.aborted) process.exit(130);
    log.warn('interrupted: finishing the lines in flight is skipped; run again to resume');
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const s = await judgeFile({
    input,
    output,
    judge,
    promptField: settings.promptField,
    responseField: settings.responseField,
    idField: settings.idField,
    concurrency,
    signal: controller.signal,
    logger: log,
    onProgress: settings.quiet ? undefined : streamProgress(process.stderr),
  });
  const cost =
    s.costUsd === null
      ? 'cost unknown (no prices for this model)'
      : `cost $${s.costUsd.toFixed(4)}`;
  log.info(
    [
      `va-judge: ${s.lines} lines: ${s.judged} judged, ${s.skipped} already done, ${s.failed} failed, ${s.malformed} malformed${s.interrupted ? ' (interrupted)' : ''}`,
      `  tokens ${s.promptTokens} prompt + ${s.completionTokens} completion; ${cost}; ${s.cached} from cache; ${(s.elapsedMs / 1000).toFixed(1)} s`,
      ...s.failures.slice(0, 20).map((f) => `  line ${f.line}: ${f.reason}`),
      ...(s.failures.length > 20 ? [`  ... and ${s.failures.length - 20} more`] : []),
    ].join('\n'),
  );
  if (s.interrupted) return 130;
  return s.failed + s.malformed > 0 ? 1 : 0;
}

await runCommand('va-judge', main);
