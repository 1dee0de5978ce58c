// How every report, table and log line prints a number, so that the same value reads the same
// everywhere (Markdown tables, plots' labels, metric lines, help texts).

/**
 * A number for people: integers below 1e15 as they are; otherwise `digits` significant digits
 * (default 4), in exponent form below 1e-3 and from 1e6 (`1.5e-5`, `2.5e+6`, trailing zeros
 * dropped); `NaN`, `Infinity` and `-Infinity` spelled out.
 */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) {
    const [mantissa, exponent] = value.toExponential(digits - 1).split('e');
    return `${Number(mantissa)}e${exponent}`;
  }
  return String(Number(value.toPrecision(digits)));
}

/** A duration for progress lines: `42s`, `3m 05s`, `1h 02m`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
