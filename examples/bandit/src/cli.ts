// Command-line flags of the bandit example: parsed with node:util, checked, with --help.

import { parseArgs } from 'node:util';

export interface Flags {
  samples: number;
  seed: number;
  epsilon: number;
  arms: number;
  out: string;
  simplex: boolean;
}

export const HELP = `Usage: pnpm start -- [options]   (or: npx pnpm@12.21.0 --filter @va/example-bandit start -- [options])

Runs the paper's bandit experiments and writes a report:
  Figure 3  vanilla vs variance-aware policies on SPEC's 3-armed example
            (rStar = [0.2, 0.5, 0.45], sigma2 = [4.0, 0.1, 0.12]), risk against Theorem 2.4
  Figure 4  the same on a 10-armed bandit with variances from U[0.5, 1.5] (narrow) and U[0.01, 4] (wide)

Options:
  --samples <n>    Monte Carlo draws per experiment (default 100000)
  --seed <n>       seed of every draw (default 0)
  --epsilon <x>    radius^2 of the vanilla ball; the ellipsoid gets min(sigma2) * epsilon (default 0.01)
  --arms <n>       arms of the Figure 4 bandit (default 10)
  --no-simplex     skip the probability-simplex variant of Figure 3
  --out <dir>      report folder (default examples/bandit/out)
  -h, --help       show this help
`;

function integer(name: string, text: string, min: number): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw new Error(`--${name} must be an integer >= ${min}, got '${text}'`);
  }
  return value;
}

/** Parses `argv`; returns undefined after printing help. Throws on a bad flag. */
export function parseFlags(argv: string[], defaultOut: string): Flags | undefined {
  const { values } = parseArgs({
    args: argv,
    options: {
      samples: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '0' },
      epsilon: { type: 'string', default: '0.01' },
      arms: { type: 'string', default: '10' },
      out: { type: 'string', default: defaultOut },
      'no-simplex': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(HELP);
    return undefined;
  }
  const epsilon = Number(values.epsilon);
  if (!(Number.isFinite(epsilon) && epsilon > 0)) {
    throw new Error(`--epsilon must be a number > 0, got '${values.epsilon}'`);
  }
  return {
    samples: integer('samples', values.samples, 100),
    seed: integer('seed', values.seed, 0),
    epsilon,
    arms: integer('arms', values.arms, 2),
    out: values.out,
    simplex: !values['no-simplex'],
  };
}
