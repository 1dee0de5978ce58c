// The `va ppo` command: train one policy with vanilla or variance-aware PPO from a config file and
// flags, with a progress line (step, score, KL, time left) and resumable folders. The reward models
// it names come from the registry it is given (`@va/experiment` gives the one with `offline` and
// `ensemble:<dir>`).

import {
  configFlags,
  defineConfig,
  is,
  type Logger,
  lockFolder,
  parseCommandLine,
  RewardModelRegistry,
  streamLogger,
  streamProgress,
  UsageError,
} from '@va/core';
import { DEFAULT_MODEL_DIR, type LoraOptions, loadCausalLM, selectBackend } from '@va/lm';
import { PPO_PRESETS, PPOConfig, type PPOPresetName, ppoPreset } from './config.js';
import { readConfigFile } from './config-file.js';
import { resolve } from './paths.js';
import { readPrompts } from './prompts-file.js';
import { trainPolicy } from './train-policy.js';

/** What `va ppo` reads besides the PPO settings (`ppo` in the config file). */
export interface PPOCommandConfig {
  model: string;
  reward: string;
  prompts: string | null;
  out: string | null;
  preset: string | null;
  backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  offline: boolean;
  lora: LoraOptions | null;
  quiet: boolean;
}

export const PPOCommandConfig = defineConfig<PPOCommandConfig>('va ppo', {
  model: {
    default: 'default',
    doc: "the policy: 'default' (the embedded model), a Hugging Face folder or hub id",
  },
  reward: {
    default: 'offline',
    doc: 'the reward model: offline, ensemble:<dir>, module:<file.js> or a name a program registered',
  },
  prompts: {
    default: null,
    doc: 'prompt file: .txt (a line each), .jsonl or .json (required)',
    type: 'string',
  },
  out: { default: null, doc: 'the run folder (required; resumed when it exists)', type: 'string' },
  preset: {
    default: null,
    doc: `PPO settings to start from: ${Object.keys(PPO_PRESETS).join(', ')}`,
    type: 'string',
    check: is.nullOr(is.oneOf(...Object.keys(PPO_PRESETS))),
  },
  backend: {
    default: 'auto',
    doc: "tfjs backend: 'auto', 'tensorflow-gpu', 'tensorflow', 'wasm' or 'cpu'",
    check: is.oneOf('auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'),
  },
  offline: { default: false, doc: 'never download a model (use the Hugging Face cache only)' },
  lora: { default: null, doc: 'train a LoRA adapter with these settings (config file only)' },
  quiet: { default: false, doc: 'no progress line' },
});

const commandFlags = configFlags(PPOCommandConfig, { exclude: ['lora'] });
const ppoFlags = configFlags(PPOConfig, { exclude: ['generation'] });

export const PPO_COMMAND_HELP = `va ppo: train a policy with (variance-aware) PPO (SPEC 4)

Usage:
  va ppo --prompts <file> --out <dir> [--config run.yaml] [--model default] [--reward offline] [options]

A config file (YAML or JSON) holds any of the keys below in camelCase, with the PPO settings under "ppo"
(generation settings under "ppo.generation") and LoRA settings under "lora"; flags override it.
Priority: preset < config file < flags. The run folder gets config.json, log.jsonl (every step's
stats), checkpoints/ and, when done, final/ (the policy and its value head); rerun the same command
to resume an interrupted run.

Options:
  --config <file>                 a YAML or JSON config file
  -h, --help                      this help
${commandFlags.help()}

PPO (PPOConfig; TRL's defaults):
${ppoFlags.help()}
`;

interface ConfigFile extends Partial<PPOCommandConfig> {
  ppo?: Partial<PPOConfig>;
}

/** Where {@link ppoCommand} writes, and the reward models it can name. */
export interface PPOCommandIO {
  readonly logger?: Logger;
  readonly stderr?: NodeJS.WritableStream;
  readonly stdout?: { write(s: string): unknown };
  /** The reward models `--reward` names (default: `module:<file.js>` only). */
  readonly rewards?: RewardModelRegistry;
}

const moduleRewardsOnly = () =>
  new RewardModelRegistry({
    unknownHint:
      "'offline' and 'ensemble:<dir>' are registered by @va/experiment: run 'va ppo' (or pass its rewardModels as io.rewards).",
  });

/** Runs `va ppo` with `argv`; returns the exit code (errors are thrown for `runCommand`). */
export async function ppoCommand(argv: readonly string[], io: PPOCommandIO = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const { values } = parseCommandLine(argv, {
    options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    configs: [commandFlags, ppoFlags],
  });
  if (values.help) {
    stdout.write(PPO_COMMAND_HELP);
    return 0;
  }
  const file: ConfigFile = values.config ? await readConfigFile(values.config as string) : {};
  const { ppo: filePpo = {}, ...fileCommand } = file;
  const settings = commandFlags.resolve(values, fileCommand);
  if (!settings.prompts)
    throw new UsageError('--prompts is required (or "prompts" in the config file)');
  if (!settings.out) throw new UsageError('--out is required (or "out" in the config file)');
  const method = (ppoFlags.read(values).method ?? filePpo.method ?? 'vanilla') as 'vanilla';
  const preset = settings.preset ? ppoPreset(settings.preset as PPOPresetName, method) : {};
  const config = ppoFlags.resolve(values, { ...preset, ...filePpo });
  const logger = io.logger ?? streamLogger(io.stderr ?? process.stderr);
  const prompts = await readPrompts(resolve(settings.prompts));
  const { backend, reason } = await selectBackend(
    settings.backend === 'auto' ? {} : { backend: settings.backend },
  );
  logger.info(`backend: ${backend} (${reason})`);
  const outDir = resolve(settings.out);
  // One run per folder: a second `va ppo --out` on it is refused at once, naming the first.
  const lock = await lockFolder(outDir, { command: 'va ppo', label: '--out' });
  try {
    return await trainCommand(settings, config, prompts, outDir, io, logger);
  } finally {
    await lock.release();
  }
}

async function trainCommand(
  settings: PPOCommandConfig,
  config: PPOConfig,
  prompts: Awaited<ReturnType<typeof readPrompts>>,
  outDir: string,
  io: PPOCommandIO,
  logger: Logger,
): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const rewards = io.rewards ?? moduleRewardsOnly();
  const reward = await rewards.create(settings.reward, { seed: config.seed });
  const source = settings.model === 'default' ? DEFAULT_MODEL_DIR : settings.model;
  try {
    const result = await trainPolicy({
      loadPolicy: () => loadCausalLM(source, { backend: 'current', offline: settings.offline }),
      reward,
      prompts,
      config,
      outDir,
      lora: settings.lora ?? undefined,
      logger,
      onProgress: settings.quiet ? undefined : streamProgress(io.stderr ?? process.stderr),
    });
    const last = result.history.at(-1);
    stdout.write(
      `${JSON.stringify({
        finalDir: result.finalDir,
        steps: result.history.length,
        alreadyDone: result.alreadyDone,
        resumedFrom: result.resumedFrom,
        meanScore: last?.['ppo/mean_scores'],
        kl: last?.['objective/kl'],
      })}\n`,
    );
    return 0;
  } finally {
    await reward.dispose?.();
  }
}
