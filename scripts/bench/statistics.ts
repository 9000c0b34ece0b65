/** The few statistics the bench's figures need. */

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** `value` rounded to `digits` decimals, as a number (for the JSON report). */
export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** A dollar amount to 4 significant digits. */
export const usd = (value: number) => Number(value.toPrecision(4));

/** Least squares y = a + b·x. */
export function linearFit(points: readonly { x: number; y: number }[]): { a: number; b: number } {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const b = sxx === 0 ? my / mx : sxy / sxx;
  return { a: sxx === 0 ? 0 : my - b * mx, b };
}
