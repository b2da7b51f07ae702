/**
 * Golden-tensor comparison (STYLE.md §30): closeTo(actual, expected, {atol, rtol}, label) returns
 * null when every |a − e| ≤ atol + rtol·|e|, else a message with the max difference, the first bad
 * index and a few values. Use as `t.is(closeTo(...), null)`.
 */
export interface Tolerance {
  atol?: number;
  rtol?: number;
}

export function closeTo(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  label: string,
): string | null {
  const atol = tol.atol ?? 0;
  const rtol = tol.rtol ?? 0;
  if (actual.length !== expected.length) {
    return `${label}: length ${actual.length} ≠ expected ${expected.length}`;
  }
  let maxDiff = 0;
  let maxAt = -1;
  let firstBad = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const d = Math.abs(a - e);
    if (!(d <= atol + rtol * Math.abs(e))) {
      if (firstBad < 0) firstBad = i;
      if (!(d <= maxDiff)) {
        maxDiff = d;
        maxAt = i;
      }
    }
  }
  if (firstBad < 0) return null;
  const show = (i: number): string => `[${i}] actual ${actual[i]} expected ${expected[i]}`;
  return `${label}: max |diff| ${maxDiff} at ${show(maxAt)}; first bad ${show(firstBad)} (atol ${atol}, rtol ${rtol})`;
}
