// A Logger that keeps every metric it is given, so that a run's curves can be plotted afterwards
// (`lineChart({ series: recorder.series(['objective/kl']) })`).

import { type Logger, silentLogger } from '@va/core';
import type { LineSeries } from './line-chart.js';

/** Records `metrics(step, values)` calls; forwards everything to an inner logger. */
export class MetricsRecorder implements Logger {
  private readonly steps = new Map<string, number[]>();
  private readonly values = new Map<string, number[]>();

  constructor(private readonly inner: Logger = silentLogger) {}

  info(message: string): void {
    this.inner.info(message);
  }

  warn(message: string): void {
    this.inner.warn(message);
  }

  metrics(step: number, values: Readonly<Record<string, number>>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!this.steps.has(name)) {
        this.steps.set(name, []);
        this.values.set(name, []);
      }
      this.steps.get(name)!.push(step);
      this.values.get(name)!.push(value);
    }
    this.inner.metrics(step, values);
  }

  /** The metric names seen, in order of first appearance. */
  names(): string[] {
    return [...this.steps.keys()];
  }

  /** `{ steps, values }` of one metric (empty arrays when it never came). */
  get(name: string): { steps: number[]; values: number[] } {
    return { steps: [...(this.steps.get(name) ?? [])], values: [...(this.values.get(name) ?? [])] };
  }

  /** Line series of the named metrics (default all), ready for {@link lineChart}. */
  series(names: readonly string[] = this.names()): LineSeries[] {
    return names.map((name) => {
      const { steps, values } = this.get(name);
      return { name, x: steps, y: values };
    });
  }
}
