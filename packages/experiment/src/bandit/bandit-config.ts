// The settings and command line of `va bandit` (the paper's bandit experiments, SPEC 2): one config
// (defaults from @va/theory's specs), its flags and help generated from the schema.

import { callerPath, configFlags, defineConfig, is, parseCommandLine } from '@va/core';
import { BanditConfig, HeterogeneityConfig } from '@va/theory';

const integerIn = (min: number, max: number) => (v: number) =>
  Number.isInteger(v) && v >= min && v <= max
    ? undefined
    : `must be an integer from ${min} to ${max.toLocaleString('en-US')}`;

/** The Figure 4 work: `samples * arms` normals per interval (about 1e8 a second). */
const MAX_DRAWS = 1e9;

/** What one run of the bandit experiments does. */
export interface BanditRunConfig {
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
  /** Report folder, relative to where the command runs; `null`: the command's default. */
  out: string | null;
}

/** Where `va bandit` writes its report when `--out` is not given. */
export const DEFAULT_BANDIT_OUT = 'out/bandit';

export const BanditRunConfig = defineConfig<BanditRunConfig, { out: string }>(
  'BanditRunConfig',
  {
    samples: {
      default: BanditConfig.defaults.samples,
      // Each experiment keeps its returns: 64 bytes per draw in all, 640 MB at the maximum.
      doc: 'Monte Carlo draws per experiment (100 to 10,000,000)',
      type: 'integer',
      check: integerIn(100, 10_000_000),
    },
    seed: {
      default: BanditConfig.defaults.seed,
      doc: 'seed of every draw',
      check: is.nonNegativeInteger,
    },
    epsilon: {
      default: BanditConfig.defaults.epsilon,
      // The risks do not depend on it (Theorem 2.4); it only scales the returns, which must stay
      // finite through the report's sums of squares.
      doc: 'radius^2 of the vanilla ball, in (0, 1e6]; the ellipsoid gets min(sigma2) * epsilon',
      check: (v) => (v > 0 && v <= 1e6 ? undefined : 'must be in (0, 1e6]'),
    },
    arms: {
      default: HeterogeneityConfig.defaults.arms,
      doc: 'arms of the Figure 4 bandit (2 to 1,000)',
      type: 'integer',
      check: integerIn(2, 1000),
    },
    simplex: { default: true, doc: 'also run Figure 3 on the probability simplex' },
    out: {
      default: null,
      doc: `report folder, relative to where you run the command (default: ${DEFAULT_BANDIT_OUT})`,
      type: 'string',
      check: is.nullOr((v: string) => (v ? undefined : 'must be a folder name')),
    },
  },
  {
    // Relative to where the user typed the command (pnpm runs scripts in the package folder).
    derive: (c) => ({ out: callerPath(c.out ?? DEFAULT_BANDIT_OUT) }),
    rules: [
      {
        keys: ['arms', 'samples'],
        check: (c) =>
          c.samples * c.arms <= MAX_DRAWS
            ? undefined
            : 'samples x arms must be at most 1e9 (Figure 4 draws that many normals per interval, about a second per 1e8)',
      },
    ],
  },
);

/** The resolved settings of a run. */
export type BanditRunSettings = ReturnType<typeof BanditRunConfig.resolve>;

export function banditHelp(
  usage = 'va bandit [options]',
  defaults: Partial<BanditRunConfig> = {},
): string {
  const flags = configFlags(BanditRunConfig, { defaults });
  return `Usage: ${usage}

Runs the paper's bandit experiments and writes a report:
  Figure 3  vanilla vs variance-aware policies on SPEC's 3-armed example
            (rStar = [0.2, 0.5, 0.45], sigma2 = [4.0, 0.1, 0.12]), risk against Theorem 2.4
  Figure 4  the same on a 10-armed bandit with variances from U[0.5, 1.5] (narrow) and U[0.01, 4] (wide)

Options:
${flags.help()}

  -h, --help  show this help
`;
}

/**
 * Parses `argv`: the run's settings, or `'help'` when `--help` was asked for; `defaults` replace
 * the schema's (an example's own report folder, say).
 */
export function parseBanditFlags(
  argv: readonly string[],
  defaults: Partial<BanditRunConfig> = {},
): BanditRunSettings | 'help' {
  const flags = configFlags(BanditRunConfig, { defaults });
  const { values } = parseCommandLine(argv, {
    options: { help: { type: 'boolean', short: 'h' } },
    configs: [flags],
  });
  if (values.help) return 'help';
  return flags.resolve(values);
}
