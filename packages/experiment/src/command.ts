// The `va` command: every stage a user runs alone (`experiment`, `ppo`, `ensemble`, `judge`,
// `bandit`) behind one name, configuration from a JSON or YAML file with flags over it, help whose
// defaults come from the config schemas, and exit codes scripts can rely on (0 done, 1 failure,
// 2 usage).

import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import {
  ConfigError,
  configFlags,
  formatDuration,
  type Logger,
  parseCommandLine,
  ResourceError,
  readFolderLock,
  streamLogger,
  UsageError,
} from '@va/core';
import { ppoCommand, readConfigFile } from '@va/ppo';
import { banditCommand } from './bandit/bandit-command.js';
import { ExperimentConfig } from './config.js';
import {
  QUEUE_HELP,
  QUEUE_OPTIONS,
  queueRunCommand,
  queueStatusOf,
  workerCommand,
} from './queue-command.js';
import { writeReport } from './report.js';
import { collectResults } from './results.js';
import { rewardModels } from './rewards.js';
import { RunDir } from './run-dir.js';
import { RunFailedError, runExperiment } from './run-experiment.js';
import { type RunStatus, runStatus } from './run-status.js';

/** Where `va experiment run` writes when no --dir is given. */
export const DEFAULT_RUN_DIR = 'out/experiment';

const experimentFlags = configFlags(ExperimentConfig, {
  exclude: ['ppo', 'vanilla', 'varianceAware', 'ensemble', 'prompted'],
});

const EXPERIMENT_HELP = `va experiment: the evaluation protocol of "Towards Reliable, Uncertainty-Aware Alignment" (SPEC 5)

Usage:
  va experiment run    [--config run.yaml] [--dir ${DEFAULT_RUN_DIR}] [options]
  va experiment status [--dir ${DEFAULT_RUN_DIR}] [--queue <redis-url>]
  va experiment report [--dir ${DEFAULT_RUN_DIR}] [--queue <redis-url>]

A run lives in --dir: config.json, the ensemble it trained, one folder per policy (PPO log,
checkpoints, result), the reference runs, logs/ and report/ (REPORT.md, report.html, results.json).
Run the same command again to resume: finished seeds are never redone. The config file (YAML or
JSON) holds any key below in camelCase, plus the nested settings "ppo", "vanilla", "varianceAware"
(PPOConfig keys), "ensemble" and "prompted"; flags override it.

Options:
  --config <file>                 a YAML or JSON config file
  --dir <folder>                  the run folder (default: ${DEFAULT_RUN_DIR})
  --quiet                         no progress line
${QUEUE_HELP}
  -h, --help                      this help
${experimentFlags.help()}
`;

/** One progress line: seeds done per setting and method, running jobs, time left. */
export function statusLine(s: RunStatus): string {
  const groups = Object.entries(s.byGroup)
    .map(([g, n]) => `${g} ${n.done}/${n.total}`)
    .join(', ');
  const running = s.running
    .map(
      (r) =>
        `${r.id.replace(/^policies\//, '')}${r.total ? ` ${r.done ?? 0}/${r.total} ${r.unit ?? 'steps'}` : ''}${r.worker ? ` on ${r.worker}` : ''}`,
    )
    .join('; ');
  const eta = s.eta !== undefined ? `, ${formatDuration(s.eta)} left` : '';
  const failed = s.failed.length ? `, ${s.failed.length} failed` : '';
  const workers = s.workers ? ` | ${s.workers.length} workers` : '';
  return `${s.done}/${s.total} jobs${eta}${failed}${workers} | ${groups}${running ? ` | running: ${running}` : ''}`;
}

function progressWriter(
  stream: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean },
) {
  let last = 0;
  let lastText = '';
  return (s: RunStatus) => {
    const text = statusLine(s);
    const now = Date.now();
    if (
      text === lastText ||
      (!('isTTY' in stream && stream.isTTY) && now - last < 5000 && s.done < s.total)
    )
      return;
    last = now;
    lastText = text;
    if ('isTTY' in stream && stream.isTTY)
      stream.write(`\r\x1b[2K${text.slice(0, (stream as NodeJS.WriteStream).columns ?? 200)}`);
    else stream.write(`${text}\n`);
  };
}

async function experimentCommand(
  argv: readonly string[],
  logger: Logger,
  out: { write(s: string): unknown },
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    out.write(EXPERIMENT_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!['run', 'status', 'report'].includes(sub)) {
    throw new UsageError(`unknown 'va experiment ${sub}'; expected run, status or report`);
  }
  const { values } = parseCommandLine(rest, {
    options: {
      config: { type: 'string' },
      dir: { type: 'string' },
      quiet: { type: 'boolean' },
      'in-process': { type: 'boolean' },
      ...QUEUE_OPTIONS,
      help: { type: 'boolean', short: 'h' },
    },
    configs: sub === 'run' ? [experimentFlags] : [],
  });
  if (values.help) {
    out.write(EXPERIMENT_HELP);
    return 0;
  }
  const file = values.config ? await readConfigFile(values.config as string) : {};
  const { dir: fileDir, ...fileConfig } = file as { dir?: unknown };
  const dir = resolve(
    (values.dir as string | undefined) ?? (typeof fileDir === 'string' ? fileDir : DEFAULT_RUN_DIR),
  );
  const run = new RunDir(dir);
  if (sub === 'status' || sub === 'report') {
    const config = await run.readConfig();
    // A queued run: the queue tells what runs where.
    const queued = await queueStatusOf(run, config, values, logger);
    if (sub === 'status') {
      const s = queued ?? (await runStatus(run, config));
      const holder = await readFolderLock(run.root);
      const running = holder
        ? `running: ${holder.command}, pid ${holder.pid} on ${holder.host}, since ${holder.since}\n`
        : '';
      out.write(`${run.root}\n${running}${statusLine(s)}\n`);
      return 0;
    }
    const files = await writeReport(run, await collectResults(run, config));
    out.write(`${files.markdown}\n`);
    if (queued) out.write(`${statusLine(queued)}\n`);
    return 0;
  }
  let config: ReturnType<typeof ExperimentConfig.resolve>;
  try {
    config = experimentFlags.resolve(values, fileConfig as never);
  } catch (error) {
    if (error instanceof ConfigError && values.config) {
      throw new UsageError(`${values.config}: ${error.message}`);
    }
    throw error;
  }
  if ((values.detach || values.store !== undefined) && values.queue === undefined) {
    throw new UsageError(`--${values.detach ? 'detach' : 'store'} goes with --queue <redis-url>`);
  }
  const quiet = values.quiet === true;
  const onStatus = quiet ? undefined : progressWriter(process.stderr);
  if (values.queue !== undefined && values.detach === true) {
    const { queued } = await queueRunCommand(values, dir, config, logger);
    out.write(`${JSON.stringify({ dir: run.root, ...queued, detached: true })}\n`);
    return 0;
  }
  const result =
    values.queue !== undefined
      ? await queueRunCommand(values, dir, config, logger, onStatus)
      : await runExperiment({
          dir,
          config,
          logger,
          inProcess: values['in-process'] === true,
          onStatus,
        });
  if (!quiet && process.stderr.isTTY) process.stderr.write('\n');
  const results = await collectResults(run, result.config);
  // Jobs that failed (a full disk, say) are the news; a report that cannot be written then too is not.
  const files = await writeReport(run, results).catch((error: Error) => {
    if (result.failed.length === 0) throw error;
    logger.warn(`va experiment: no report: ${error.message}`);
    return undefined;
  });
  if (files) logger.info(`report: ${files.markdown}`);
  out.write(
    `${JSON.stringify({ dir: run.root, report: files?.markdown, results: files?.results, ran: result.ran, skipped: result.skipped, seconds: Math.round(result.seconds) })}\n`,
  );
  if (result.failed.length > 0) {
    throw new RunFailedError(
      `${result.failed.length} jobs failed (the others are kept; run the same command to retry them):\n` +
        result.failed.map((f) => `  ${f.id}: ${f.error}`).join('\n') +
        `\nWorker logs: ${join(run.root, 'logs')}`,
    );
  }
  return 0;
}

/** Runs another package's command (its `bin`) with `argv`, passing the terminal through. */
async function delegate(pkg: string, bin: string, argv: readonly string[]): Promise<number> {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve(`${pkg}/package.json`);
  } catch {
    throw new ResourceError(`'${bin}' needs ${pkg}: npm install ${pkg}`);
  }
  const { bin: bins } = JSON.parse(await readFile(manifest, 'utf8')) as {
    bin: Record<string, string>;
  };
  const script = join(dirname(manifest), bins[bin]!);
  return new Promise((resolveCode, reject) => {
    const child = spawn(process.execPath, [script, ...argv], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolveCode(code ?? (signal ? 1 : 0)));
  });
}

/** What a subcommand is given: its arguments after the command's name, and where to write. */
interface CommandContext {
  readonly logger: Logger;
  readonly out: { write(s: string): unknown };
}

/**
 * Every `va` subcommand: its help lines (the name as typed, then what it does) and how it runs. A
 * new subcommand is one entry here; `va --help` and the unknown-command error list them from it.
 */
const COMMANDS: Readonly<
  Record<string, { help: string; run(argv: readonly string[], c: CommandContext): Promise<number> }>
> = {
  experiment: {
    help: `experiment run       the paper's protocol end to end: N vanilla and N variance-aware policies per
                       reward setting, the reference, Tables 1-4, Figures 5-6 (the main job)
  experiment status    what a run folder holds: jobs done per setting and method, what is running
  experiment report    write the report of a run folder (also while it is running)`,
    run: (argv, { logger, out }) => experimentCommand(argv, logger, out),
  },
  worker: {
    help: "worker               run queued jobs of 'va experiment run --queue' (on any number of machines)",
    run: (argv, { logger, out }) => workerCommand(argv, logger, out),
  },
  ppo: {
    help: 'ppo                  train one policy with vanilla or variance-aware PPO',
    run: (argv, { logger, out }) =>
      ppoCommand(argv, { logger, stdout: out, rewards: rewardModels }),
  },
  ensemble: {
    help: 'ensemble ...         reward ensembles: train, score, analyze (as va-ensemble)',
    run: (argv) => delegate('@va/reward-ensemble', 'va-ensemble', argv),
  },
  judge: {
    help: 'judge ...            interval judgments of (prompt, response) pairs (as va-judge)',
    run: (argv) => delegate('@va/reward-prompted', 'va-judge', argv),
  },
  bandit: {
    help: 'bandit               the bandit experiments: Figures 3 and 4, the risks beside Theorem 2.4',
    run: (argv, { out }) => banditCommand(argv, { stdout: out }),
  },
};

const TOP_HELP = `va: variance-aware alignment (the paper's protocol, PPO, reward ensembles, judges)

Usage: va <command> [options]     (va <command> --help for its options)

Commands:
${Object.values(COMMANDS)
  .map((c) => `  ${c.help}`)
  .join('\n')}

Exit codes: 0 done, 1 failure, 2 usage.
`;

/** Runs `va` with `argv` (without the program name); returns the exit code. */
export async function vaCommand(
  argv: readonly string[],
  io: { logger?: Logger; stdout?: { write(s: string): unknown } } = {},
): Promise<number> {
  const out = io.stdout ?? process.stdout;
  const logger = io.logger ?? streamLogger(process.stderr);
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    out.write(TOP_HELP);
    return command === undefined ? 2 : 0;
  }
  const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!entry) {
    const names = Object.keys(COMMANDS);
    throw new UsageError(
      `unknown command '${command}'; expected ${names.slice(0, -1).join(', ')} or ${names.at(-1)} (va --help lists them)`,
    );
  }
  return entry.run(rest, { logger, out });
}
