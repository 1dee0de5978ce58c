// The bandit of Figures 3 and 4 (SPEC section 2) as an interactive figure: three arms whose true
// rewards and estimate variances the reader moves; @va/theory's Monte Carlo draws the two policies'
// true returns, beside Theorem 2.4's closed-form risks.

import { histogram, renderSvg } from '@va/report';
import { type BanditSimulation, simulateBandit } from '@va/theory';

/** Figure 3's example (SPEC 2): rStar = [0.2, 0.5, 0.45], sigma2 = [4, 0.1, 0.12]. */
export const BANDIT_START = Object.freeze({ rStar: [0.2, 0.5, 0.45], sigma2: [4, 0.1, 0.12] });
export const BANDIT_DRAWS = 20_000;
export const BANDIT_SEED = 1;

/** The simulation the figure shows for these arms. */
export function banditFigure(
  rStar: readonly number[],
  sigma2: readonly number[],
): BanditSimulation {
  return simulateBandit({ rStar, sigma2, samples: BANDIT_DRAWS, seed: BANDIT_SEED });
}

/** The two distributions of true returns, with the reference's as a marker. */
export function banditChart(sim: BanditSimulation): Promise<string> {
  return renderSvg(
    histogram({
      series: [
        { name: 'vanilla', values: sim.returns.vanilla },
        { name: 'variance-aware', values: sim.returns.varianceAware },
      ],
      bins: 60,
      xTitle: 'true return <pi, r*>',
      markers: [{ value: sim.reference, label: 'reference pi0' }],
      width: 520,
      height: 220,
    }),
  );
}
