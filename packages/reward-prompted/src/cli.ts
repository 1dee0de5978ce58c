#!/usr/bin/env node
// va-judge: judges a JSONL file of (prompt, response) pairs with an OpenAI-compatible endpoint or the
// offline judge, writing intervals, means and variances as JSONL; resumable (see judgeFile).

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { streamLogger, streamProgress, VaError } from '@va/core';
import { ChatClient } from './chat-client.js';
import { type ChatClientConfig, presetConfig } from './chat-client-config.js';
import { ChatJudge } from './chat-judge.js';
import type { Judge } from './judge.js';
import { judgeFile } from './judge-file.js';
import { PROMPT_VERSION, RUBRICS } from './judge-prompt.js';
import { OfflineJudge } from './offline-judge.js';
import { JUDGE_PRESETS } from './presets.js';

const USAGE = `Usage: va-judge <input.jsonl> -o <output.jsonl> [options]

Judges each line {"prompt": ..., "response": ...} and appends one line per judgment to the output:
{"line", "id", "key", "judge", "prompt_version", "low", "high", "mean", "variance", "prompt_tokens",
"completion_tokens", "cost_usd", "cached", "attempts", "raw"}. Run it again to resume.

Judge (one of):
  --offline                 simulated sentiment judge, no network (for tests and demos)
  --preset NAME             ${Object.keys(JUDGE_PRESETS).join(', ')}
  --base-url URL --model M  any OpenAI-compatible endpoint (overrides the preset's)
  --api-key-env VAR         environment variable holding the key (never pass keys as flags)
Options:
  -o, --output PATH         output JSONL (required)
  --concurrency N           requests in flight (default 8)
  --max-retries N           retries on 429/5xx/network errors/timeouts (default 5)
  --timeout SECONDS         per-request timeout (default 60)
  --backoff-ms MS           backoff scale, full jitter (default 500)
  --max-reasks N            re-asks after an unreadable answer (default 2)
  --temperature T           (default 0)     --max-tokens N   (default: the server's)
  --scale LOW,HIGH          score scale (default 0,100)
  --rubric NAME             ${Object.keys(RUBRICS).join(', ')} (default quality)
  --rubric-file PATH        rubric text from a file (overrides --rubric)
  --cache-dir DIR           answer cache (default .va-judge-cache); --no-cache to disable
  --prompt-field F --response-field F --id-field F   input field names (prompt, response, id)
  --quiet                   no progress lines
  -h, --help                this text
Exit status: 0 all judged, 1 some lines failed or were malformed, 2 usage error, 130 interrupted.`;

function fail(message: string): never {
  process.stderr.write(`va-judge: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function num(name: string, v: string | undefined, integer = false): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) {
    fail(`--${name} must be ${integer ? 'an integer' : 'a number'}, got '${v}'`);
  }
  return x;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      output: { type: 'string', short: 'o' },
      input: { type: 'string' },
      offline: { type: 'boolean' },
      preset: { type: 'string' },
      'base-url': { type: 'string' },
      model: { type: 'string' },
      'api-key-env': { type: 'string' },
      concurrency: { type: 'string' },
      'max-retries': { type: 'string' },
      timeout: { type: 'string' },
      'backoff-ms': { type: 'string' },
      'max-reasks': { type: 'string' },
      temperature: { type: 'string' },
      'max-tokens': { type: 'string' },
      scale: { type: 'string' },
      rubric: { type: 'string' },
      'rubric-file': { type: 'string' },
      'cache-dir': { type: 'string' },
      'no-cache': { type: 'boolean' },
      'prompt-field': { type: 'string' },
      'response-field': { type: 'string' },
      'id-field': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const input = values.input ?? positionals[0];
  if (!input) fail('no input file');
  if (positionals.length > (values.input ? 0 : 1))
    fail(`unexpected argument '${positionals.at(-1)}'`);
  const output = values.output;
  if (!output) fail('no output file (-o)');
  const log = streamLogger(process.stderr);

  let scale: [number, number] = [0, 100];
  if (values.scale !== undefined) {
    const parts = values.scale.split(',').map((p) => Number(p.trim()));
    if (parts.length !== 2 || !parts.every(Number.isFinite) || !(parts[0]! < parts[1]!)) {
      fail(`--scale must be LOW,HIGH with LOW < HIGH, got '${values.scale}'`);
    }
    scale = [parts[0]!, parts[1]!];
  }
  const concurrency = num('concurrency', values.concurrency, true) ?? 8;

  let judge: Judge;
  let describe: string;
  if (values.offline) {
    if (values.preset || values['base-url'] || values.model) {
      fail('--offline takes no --preset, --base-url or --model');
    }
    judge = new OfflineJudge({ scaleLow: scale[0], scaleHigh: scale[1] });
    describe = `judge ${judge.name}, prompt ${judge.promptVersion}, scale [${scale.join(', ')}]`;
  } else {
    if (!values.preset && !(values['base-url'] && values.model)) {
      fail('choose a judge: --offline, --preset NAME, or --base-url URL --model NAME');
    }
    let rubric = RUBRICS.quality!;
    if (values.rubric !== undefined) {
      rubric = RUBRICS[values.rubric] ?? fail(`unknown --rubric '${values.rubric}'`);
    }
    if (values['rubric-file']) rubric = readFileSync(values['rubric-file'], 'utf8');
    const clientConfig: Partial<ChatClientConfig> = {
      ...(values.preset ? presetConfig(values.preset) : {}),
      ...(values['base-url'] !== undefined && { baseUrl: values['base-url'] }),
      ...(values.model !== undefined && { model: values.model }),
      ...(values['api-key-env'] !== undefined && { apiKeyEnv: values['api-key-env'] }),
      concurrency,
      maxRetries: num('max-retries', values['max-retries'], true),
      timeoutMs: (num('timeout', values.timeout) ?? 60) * 1000,
      backoffBaseMs: num('backoff-ms', values['backoff-ms']),
      temperature: num('temperature', values.temperature),
      maxTokens: num('max-tokens', values['max-tokens'], true),
    };
    const client = new ChatClient(clientConfig, { logger: log });
    const cacheDir = values['no-cache'] ? undefined : (values['cache-dir'] ?? '.va-judge-cache');
    judge = new ChatJudge(
      client,
      {
        scaleLow: scale[0],
        scaleHigh: scale[1],
        rubric,
        maxReasks: num('max-reasks', values['max-reasks'], true),
      },
      { cache: cacheDir, logger: log },
    );
    const c = client.config;
    describe = [
      `judge ${judge.name} (${c.baseUrl}), prompt ${PROMPT_VERSION}, scale [${scale.join(', ')}]`,
      `key from ${c.apiKeyEnv ?? '(none)'}, concurrency ${c.concurrency}, max retries ${c.maxRetries}, timeout ${c.timeoutMs / 1000} s`,
      `temperature ${c.temperature}, cache ${cacheDir ?? 'off'}, prices ${c.prices ? `$${c.prices.inputPerMillion}/$${c.prices.outputPerMillion} per M tokens` : 'unknown'}`,
    ].join('\n  ');
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
    promptField: values['prompt-field'],
    responseField: values['response-field'],
    idField: values['id-field'],
    concurrency,
    signal: controller.signal,
    logger: log,
    onProgress: values.quiet ? undefined : streamProgress(process.stderr),
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

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof VaError ? e.message : String((e as Error)?.stack ?? e);
    process.stderr.write(`va-judge: ${message}\n`);
    process.exit(2);
  },
);
