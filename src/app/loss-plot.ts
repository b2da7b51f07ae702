/**
 * The training curves next to the weights (issue 4): `charlm.loss.csv` (one row per epoch) and
 * `charlm.loss.png`, a README-ready chart drawn with @napi-rs/canvas — train and validation loss
 * on the left axis, validation accuracy on the right, with ticks, grid and a legend.
 *
 * It sits in app/, next to what the train command runs, not in the pure model folder: it draws.
 * Not here: writing files (the caller writes the returned text/bytes atomically).
 */
import { createCanvas } from '@napi-rs/canvas';
import { UserError } from '../errors.js';
import type { EpochStats } from '../transformer/train.js';

const CSV_HEADER = 'epoch,train_loss,val_loss,val_acc,lr,grad_norm,seconds,tokens_per_s';

/** CSV of the epoch history (header + one line per epoch). */
export function lossCsv(history: readonly EpochStats[]): string {
  const rows = history.map((s) =>
    [s.epoch, s.trainLoss.toFixed(5), s.valLoss.toFixed(5), s.valAcc.toFixed(3), s.lr.toExponential(4),
      s.gradNorm.toFixed(5), s.seconds.toFixed(2), Math.round(s.tokensPerSec)].join(','),
  );
  return `${[CSV_HEADER, ...rows].join('\n')}\n`;
}

/**
 * Parse a CSV written by lossCsv back into the fields the plot needs. A malformed file (another
 * header, no epochs, a row without eight numeric fields) is a one-line UserError naming the line;
 * NaN and ±Infinity are kept (a diverged run writes them).
 */
export function parseLossCsv(text: string): EpochStats[] {
  const lines = text.trim().split(/\r?\n/);
  const hint = 'it is written by gptviz train next to --out; train again to recreate it';
  if (lines[0] !== CSV_HEADER) {
    throw new UserError(`not a training-curve CSV (its header is '${(lines[0] ?? '').slice(0, 60)}')`, { hint });
  }
  if (lines.length < 2) throw new UserError('the training-curve CSV has no epochs', { hint });
  const rows = lines.slice(1).map((l, i) => {
    const f = l.split(',');
    const v = f.map((x) => (/^\s*[+-]?(NaN|Infinity)\s*$/.test(x) ? Number(x) : x.trim() === '' ? NaN : Number(x)));
    if (f.length !== 8 || !Number.isFinite(v[0]) || v.some((x, j) => Number.isNaN(x) && !/NaN/.test(f[j]!))) {
      throw new UserError(`line ${i + 2} of the training-curve CSV is not eight numbers: '${l.slice(0, 60)}'`, { hint });
    }
    return v;
  });
  const epochs = rows.length;
  return rows.map(([epoch, trainLoss, valLoss, valAcc, lr, gradNorm, seconds, tokensPerSec]) => ({
    epoch: epoch!, epochs, trainLoss: trainLoss!, valLoss: valLoss!, valAcc: valAcc!, lr: lr!,
    gradNorm: gradNorm!, seconds: seconds!, tokensPerSec: tokensPerSec!, best: false,
  }));
}

/**
 * About `count` round tick values (1, 2, 5 × 10ⁿ steps) from below `lo` to above `hi` (finite).
 * A span narrower than the values' own float resolution (e.g. lo = hi = 1e30) is widened to a
 * millionth of their magnitude, so the step always advances and there are at most count + 2 ticks.
 */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new RangeError(`niceTicks: non-finite range ${lo} … ${hi}`);
  const span = Math.max(hi - lo, 1e-6 * Math.max(Math.abs(lo), Math.abs(hi))) || 1;
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  for (let k = 0; k <= last - first && k <= count + 2; k++) ticks.push(Number(((first + k) * step).toPrecision(12)));
  return ticks;
}

const W = 1000;
const H = 560;
const M = { left: 78, right: 78, top: 56, bottom: 64 };
const BLUE = '#1f6fd1';
const ORANGE = '#e8711a';
const GREEN = '#2a9d4b';

/** PNG bytes of the loss/accuracy chart for `history` (at least one epoch). */
export async function lossPlotPng(history: readonly EpochStats[]): Promise<Uint8Array> {
  const canvas = createCanvas(W, H);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, W, H);
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const n = history.length;
  const xMax = Math.max(2, n);
  let lMin = Infinity;
  let lMax = -Infinity;
  for (const s of history) {
    for (const v of [s.trainLoss, s.valLoss]) {
      // |v| ≤ 1e300 keeps the padded range finite; larger values are drawn off the chart.
      if (Math.abs(v) <= 1e300) {
        lMin = Math.min(lMin, v);
        lMax = Math.max(lMax, v);
      }
    }
  }
  if (!Number.isFinite(lMin)) [lMin, lMax] = [0, 1];
  const pad = Math.max(0.05, (lMax - lMin) * 0.08);
  const lTicks = niceTicks(lMin - pad, lMax + pad, 6);
  const l0 = lTicks[0]!;
  const l1 = lTicks[lTicks.length - 1]!;
  const accs = history.map((s) => s.valAcc).filter((v) => v >= 0 && v <= 100);
  let aMin = Math.min(...accs);
  let aMax = Math.max(...accs);
  if (accs.length === 0) [aMin, aMax] = [0, 100];
  const aTicks = niceTicks(Math.max(0, aMin - 2), Math.min(100, aMax + 2), 6);
  const a0 = aTicks[0]!;
  const a1 = aTicks[aTicks.length - 1]!;
  const xs = (e: number): number => M.left + ((e - 1) / (xMax - 1)) * pw;
  const yl = (v: number): number => M.top + (1 - (v - l0) / (l1 - l0 || 1)) * ph;
  const ya = (v: number): number => M.top + (1 - (v - a0) / (a1 - a0 || 1)) * ph;

  // Grid and ticks.
  g.font = '15px sans-serif';
  g.lineWidth = 1;
  g.strokeStyle = '#e4e4e4';
  g.fillStyle = '#333333';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const t of lTicks) {
    const y = Math.round(yl(t)) + 0.5;
    g.beginPath();
    g.moveTo(M.left, y);
    g.lineTo(M.left + pw, y);
    g.stroke();
    g.fillText(t.toFixed(2), M.left - 8, y);
  }
  g.textAlign = 'left';
  g.fillStyle = GREEN;
  for (const t of aTicks) g.fillText(`${t}%`, M.left + pw + 8, ya(t));
  g.textAlign = 'center';
  g.textBaseline = 'top';
  g.fillStyle = '#333333';
  for (const t of niceTicks(1, xMax, 10).filter((v) => v >= 1 && v <= xMax && Number.isInteger(v))) {
    const x = Math.round(xs(t)) + 0.5;
    g.strokeStyle = '#f0f0f0';
    g.beginPath();
    g.moveTo(x, M.top);
    g.lineTo(x, M.top + ph);
    g.stroke();
    g.fillText(String(t), x, M.top + ph + 8);
  }
  g.strokeStyle = '#555555';
  g.strokeRect(M.left + 0.5, M.top + 0.5, pw, ph);

  // Restarts (a later stage begun with --init): the learning rate rises again after decaying.
  g.font = '13px sans-serif';
  g.textAlign = 'left';
  g.textBaseline = 'top';
  let decayed = false;
  for (let i = 1; i < n; i++) {
    const [prev, cur] = [history[i - 1]!, history[i]!];
    if (cur.lr < prev.lr) decayed = true;
    if (!(decayed && cur.lr > prev.lr)) continue;
    const x = Math.round((xs(prev.epoch) + xs(cur.epoch)) / 2) + 0.5;
    g.strokeStyle = '#999999';
    g.setLineDash([3, 4]);
    g.beginPath();
    g.moveTo(x, M.top);
    g.lineTo(x, M.top + ph);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#777777';
    g.fillText('next stage (--init)', x + 5, M.top + 6);
    decayed = false;
  }

  // Curves.
  const curve = (color: string, value: (s: EpochStats) => number, y: (v: number) => number, dash: number[]): void => {
    g.strokeStyle = color;
    g.lineWidth = 2.5;
    g.setLineDash(dash);
    g.beginPath();
    history.forEach((s, i) => (i === 0 ? g.moveTo(xs(s.epoch), y(value(s))) : g.lineTo(xs(s.epoch), y(value(s)))));
    if (n === 1) g.arc(xs(history[0]!.epoch), y(value(history[0]!)), 3, 0, 2 * Math.PI);
    g.stroke();
    g.setLineDash([]);
  };
  curve(BLUE, (s) => s.trainLoss, yl, []);
  curve(ORANGE, (s) => s.valLoss, yl, []);
  curve(GREEN, (s) => s.valAcc, ya, [7, 5]);

  // Labels, title, legend.
  g.fillStyle = '#111111';
  g.font = 'bold 19px sans-serif';
  g.textAlign = 'left';
  g.textBaseline = 'alphabetic';
  // The saved weights are the lowest validation loss (spec §2.4): report that epoch.
  const best = history.reduce((a, s) => (s.valLoss < a.valLoss ? s : a), history[0]!);
  g.fillText('gptviz character LM — training curves', M.left, 34);
  g.font = '13px sans-serif';
  g.textAlign = 'right';
  g.fillStyle = '#555555';
  g.fillText(
    `${n} epochs · saved epoch ${best.epoch}: val loss ${best.valLoss.toFixed(3)}, acc ${best.valAcc.toFixed(1)}%`,
    M.left + pw, 34,
  );
  g.font = '15px sans-serif';
  g.textAlign = 'center';
  g.fillStyle = '#333333';
  g.fillText('epoch', M.left + pw / 2, H - 16);
  g.save();
  g.translate(22, M.top + ph / 2);
  g.rotate(-Math.PI / 2);
  g.fillText('cross-entropy loss (nats)', 0, 0);
  g.restore();
  g.save();
  g.translate(W - 18, M.top + ph / 2);
  g.rotate(Math.PI / 2);
  g.fillStyle = GREEN;
  g.fillText('validation accuracy', 0, 0);
  g.restore();
  const items: [string, string, number[]][] = [
    [BLUE, 'train loss', []], [ORANGE, 'validation loss', []], [GREEN, 'validation accuracy', [7, 5]],
  ];
  // Legend at the right, half-way down: between the accuracy curve (top) and the losses (bottom).
  const lx = M.left + pw - 230;
  const ly = M.top + ph * 0.42;
  g.fillStyle = 'rgba(255,255,255,0.9)';
  g.fillRect(lx - 12, ly - 12, 232, items.length * 26 + 8);
  g.strokeStyle = '#cccccc';
  g.lineWidth = 1;
  g.strokeRect(lx - 12.5, ly - 12.5, 232, items.length * 26 + 8);
  g.textAlign = 'left';
  g.textBaseline = 'middle';
  items.forEach(([color, label, dash], i) => {
    const y = ly + 4 + i * 26;
    g.strokeStyle = color;
    g.lineWidth = 2.5;
    g.setLineDash(dash);
    g.beginPath();
    g.moveTo(lx, y);
    g.lineTo(lx + 36, y);
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#222222';
    g.fillText(label, lx + 46, y);
  });
  return canvas.encode('png');
}
