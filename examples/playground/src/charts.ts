// The training curves: one line chart (@va/report, rendered to SVG in the page) per quantity, a
// line per method.

import type { Method } from '@va/ppo';
import { lineChart, renderSvg } from '@va/report';
import type { PolicyStep, StepReport } from './training.js';

export const CURVES = [
  { key: 'score', title: 'reward-model score', y: 'ppo/mean_scores' },
  { key: 'kl', title: 'KL to the reference', y: 'objective/kl' },
  { key: 'trueReward', title: 'true reward (AFINN-165, never trained on)', y: 'sentiment' },
] as const satisfies readonly { key: keyof PolicyStep; title: string; y: string }[];

export function curveChart(
  curve: (typeof CURVES)[number],
  reports: readonly StepReport[],
): Promise<string> {
  const methods: Method[] = ['vanilla', 'variance-aware'];
  return renderSvg(
    lineChart({
      title: curve.title,
      series: methods.map((m) => ({
        name: m,
        x: reports.map((r) => r.step),
        y: reports.map((r) => r.policies[m][curve.key] as number),
      })),
      xTitle: 'PPO step',
      yTitle: curve.y,
      width: 300,
      height: 170,
    }),
  );
}
