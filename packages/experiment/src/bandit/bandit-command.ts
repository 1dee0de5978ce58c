// `va bandit`: the paper's bandit experiments (SPEC section 2, Figures 3 and 4) with one command:
// simulate, print a summary, and write REPORT.md with its figures.

import {
  callerDirectory,
  checkOutputDir,
  displayPath,
  formatNumber,
  streamProgress,
} from '@va/core';
import { heterogeneitySweep, simulateBandit } from '@va/theory';
import { type BanditRunConfig, banditHelp, parseBanditFlags } from './bandit-config.js';
import { buildReport } from './bandit-report.js';

/** Options of {@link banditCommand}. */
export interface BanditCommandOptions {
  /** The usage line of the help (default `va bandit [options]`). */
  readonly usage?: string;
  /** Defaults over the schema's, e.g. an example's own `out`. */
  readonly defaults?: Partial<BanditRunConfig>;
  readonly stdout?: { write(s: string): unknown };
  readonly stderr?: { write(s: string): unknown; isTTY?: boolean };
}

/** Runs `va bandit` with `argv`; returns the exit code (errors are thrown for `runCommand`). */
export async function banditCommand(
  argv: readonly string[],
  options: BanditCommandOptions = {},
): Promise<number> {
  const out = options.stdout ?? process.stdout;
  const err = options.stderr ?? process.stderr;
  const log = (line: string) => out.write(`${line}\n`);
  const flags = parseBanditFlags(argv, options.defaults);
  if (flags === 'help') {
    out.write(banditHelp(options.usage, options.defaults));
    return 0;
  }
  err.write(`settings: ${JSON.stringify(flags)}\n`);
  // Before the simulation, so that a bad --out does not cost the run.
  await checkOutputDir(displayPath(flags.out), { label: '--out', base: callerDirectory() });
  const started = performance.now();
  // A live line on a terminal, every ~10% with the rate and the time left in logs.
  const progress = streamProgress(err);
  const common = { samples: flags.samples, seed: flags.seed, epsilon: flags.epsilon };

  // Figure 3: SPEC's example (the defaults of simulateBandit), closed-form policies.
  const figure3 = simulateBandit({
    ...common,
    onProgress: (p) => progress({ ...p, task: 'Figure 3' }),
  });
  // The same on the probability simplex, with a radius where its constraints bind.
  const figure3Simplex = flags.simplex
    ? simulateBandit({
        ...common,
        epsilon: 0.1,
        constraint: 'simplex',
        onProgress: (p) => progress({ ...p, task: 'Figure 3 (simplex)' }),
      })
    : undefined;
  // Figure 4: narrow vs wide variance intervals.
  const figure4 = heterogeneitySweep({
    ...common,
    arms: flags.arms,
    onProgress: (p) => progress({ ...p, task: 'Figure 4' }),
  });
  const seconds = (performance.now() - started) / 1000;

  const pct = (p: number) => `${formatNumber(100 * p, 3)}%`;
  log(
    `Figure 3 (SPEC example, ${flags.samples} draws), reference return ${formatNumber(figure3.reference, 4)}:`,
  );
  for (const [name, key] of [
    ['vanilla', 'vanilla'],
    ['variance-aware', 'varianceAware'],
  ] as const) {
    log(
      `  ${name.padEnd(15)} risk ${pct(figure3.risk[key]).padStart(7)} ± ${pct(figure3.standardError[key])}` +
        `   Theorem 2.4: ${pct(figure3.closedForm![key])}` +
        (figure3Simplex ? `   simplex variant: ${pct(figure3Simplex.risk[key])}` : ''),
    );
  }
  log('Figure 4 (std of the true return):');
  for (const r of figure4.results) {
    const { vanilla, varianceAware } = r.spread;
    log(
      `  ${r.interval.label.padEnd(20)} vanilla ${formatNumber(vanilla.std, 3)}   variance-aware ${formatNumber(varianceAware.std, 3)}   ratio ${formatNumber(varianceAware.std / vanilla.std, 3)}`,
    );
  }

  const report = buildReport({ flags, figure3, figure3Simplex, figure4, seconds });
  const files = await report.write(flags.out, { spec: true });
  const count = Object.keys(files.charts).length;
  log(
    `Simulated in ${formatNumber(seconds, 3)} s. Report: ${displayPath(files.report)} (${count} figures beside it)`,
  );
  return 0;
}
