// The bandit example's settings and command line: one config (defaults from @va/theory's specs),
// its flags and help generated from the schema by @va/core's configFlags.

import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFlags, defineConfig, is, parseCommandLine } from '@va/core';
import { BanditConfig, HeterogeneityConfig } from '@va/theory';

const here = dirname(fileURLToPath(import.meta.url));

const integerFrom = (min: number) => (v: number) =>
  Number.isInteger(v) && v >= min ? undefined : `must be an integer >= ${min}`;

/** What one run of the example does. */
export interface ExampleConfig {
  /** Monte Carlo draws per experiment. */
  samples: number;
  /** Seed of every draw. */
  seed: number;
  /** Radius^2 of the vanilla ball; the ellipsoid gets `min(sigma2) * epsilon`. */
  epsilon: number;
  /** Arms of the Figure 4 bandit. */
  arms: number;
  /** Also run Figure 3 on the probability simplex. */
  simplex: boolean;
  /** Report folder; `null`: `examples/bandit/out`. */
  out: string | null;
}

export const ExampleConfig = defineConfig<ExampleConfig, { out: string }>(
  'ExampleConfig',
  {
    samples: {
      default: BanditConfig.defaults.samples,
      doc: 'Monte Carlo draws per experiment',
      type: 'integer',
      check: integerFrom(100),
    },
    seed: {
      default: BanditConfig.defaults.seed,
      doc: 'seed of every draw',
      check: is.nonNegativeInteger,
    },
    epsilon: {
      default: BanditConfig.defaults.epsilon,
      doc: 'radius^2 of the vanilla ball; the ellipsoid gets min(sigma2) * epsilon',
      check: is.positive,
    },
    arms: {
      default: HeterogeneityConfig.defaults.arms,
      doc: 'arms of the Figure 4 bandit',
      type: 'integer',
      check: integerFrom(2),
    },
    simplex: { default: true, doc: 'also run Figure 3 on the probability simplex' },
    out: {
      default: null,
      doc: 'report folder (default: examples/bandit/out)',
      type: 'string',
      check: is.nullOr((v: string) => (v ? undefined : 'must be a folder name')),
    },
  },
  { derive: (c) => ({ out: c.out ?? resolve(here, '..', 'out') }) },
);

/** The resolved settings of a run. */
export type ExampleSettings = ReturnType<typeof ExampleConfig.resolve>;

const flags = configFlags(ExampleConfig);

export function help(): string {
  return `Usage: pnpm start -- [options]   (or: npx pnpm@12.21.0 --filter @va/example-bandit start -- [options])

Runs the paper's bandit experiments and writes a report:
  Figure 3  vanilla vs variance-aware policies on SPEC's 3-armed example
            (rStar = [0.2, 0.5, 0.45], sigma2 = [4.0, 0.1, 0.12]), risk against Theorem 2.4
  Figure 4  the same on a 10-armed bandit with variances from U[0.5, 1.5] (narrow) and U[0.01, 4] (wide)

Options:
${flags.help()}

  -h, --help  show this help
`;
}

/** Parses `argv`: the run's settings, or `'help'` when `--help` was asked for. */
export function parseFlags(argv: readonly string[]): ExampleSettings | 'help' {
  const { values } = parseCommandLine(argv, {
    options: { help: { type: 'boolean', short: 'h' } },
    configs: [flags],
  });
  if (values.help) return 'help';
  return flags.resolve(values);
}
