/** One benchmark result row. Each `bench/*.bench.ts` exports `bench(): Promise<BenchRow[]>`. */
export interface BenchRow {
  /** What was measured, e.g. "forward pass, 16 tokens, 4 blocks". */
  name: string;
  value: number;
  /** Unit of `value`, e.g. "µs", "ms", "tokens/s", "fps", "×realtime". */
  unit: string;
  /** The target as text, e.g. "< 50 µs", or "" when there is none. */
  target?: string;
  /** Whether the target is met (undefined: no target). */
  ok?: boolean;
  note?: string;
  /** Decimal places to print `value` with (default: three significant digits). */
  digits?: number;
}

/** Median of a list of numbers (copies, sorts). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
