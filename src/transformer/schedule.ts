/**
 * The learning-rate schedule of spec §2.3: linear warm-up over W = max(1, ⌊E/15⌋) epochs, then
 * cosine decay from the peak to lr_min, set once per epoch (epochs count from 1). Pure.
 */

/**
 * Learning rate for epoch `epoch` (1 … epochs).
 *
 * @example learningRate(1, 150, 3e-3, 1e-4) === 3e-4   // warm-up: W = 10
 * @example learningRate(150, 150, 3e-3, 1e-4) === 1e-4 // the last epoch uses exactly lr_min
 */
export function learningRate(epoch: number, epochs: number, lrPeak: number, lrMin: number): number {
  const W = Math.max(1, Math.floor(epochs / 15));
  if (epoch <= W) return (lrPeak * epoch) / W;
  const progress = (epoch - W) / Math.max(epochs - W, 1);
  return lrMin + 0.5 * (lrPeak - lrMin) * (1 + Math.cos(Math.PI * progress));
}
