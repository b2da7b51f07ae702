/** Loss CSV round trip, tick choice, and a PNG that decodes to the chart size. */
import test from 'ava';
import { loadImage } from '@napi-rs/canvas';
import { lossCsv, lossPlotPng, niceTicks, parseLossCsv } from '../../src/app/loss-plot.js';
import type { EpochStats } from '../../src/transformer/train.js';

const HISTORY: EpochStats[] = Array.from({ length: 12 }, (_, i) => ({
  epoch: i + 1, epochs: 12, trainLoss: 3 - i * 0.1, valLoss: 3.05 - i * 0.09, valAcc: 20 + i * 2,
  lr: 1e-3, gradNorm: 0.5, seconds: 10, tokensPerSec: 50000, best: true,
}));

test('CSV has a header and one row per epoch, and parses back', (t) => {
  const csv = lossCsv(HISTORY);
  const lines = csv.trim().split('\n');
  t.is(lines.length, 13);
  t.is(lines[0], 'epoch,train_loss,val_loss,val_acc,lr,grad_norm,seconds,tokens_per_s');
  const back = parseLossCsv(csv);
  t.is(back.length, 12);
  t.true(Math.abs(back[11]!.valLoss - HISTORY[11]!.valLoss) < 1e-5);
  t.throws(() => parseLossCsv('x,y\n1,2'));
});

test('nice ticks are round and cover the range', (t) => {
  t.deepEqual(niceTicks(0, 1, 5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  t.deepEqual(niceTicks(1, 150, 10), [0, 20, 40, 60, 80, 100, 120, 140, 160]);
  t.deepEqual(niceTicks(1.83, 3.41, 6), [1.5, 2, 2.5, 3, 3.5]);
});

test('the PNG decodes to a 1000×560 chart', async (t) => {
  const png = await lossPlotPng(HISTORY);
  t.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const img = await loadImage(Buffer.from(png));
  t.is(img.width, 1000);
  t.is(img.height, 560);
  const one = await lossPlotPng(HISTORY.slice(0, 1));
  t.true(one.length > 1000);
});

test('a two-stage history (learning rate rises again) draws, with the saved epoch in the title', async (t) => {
  const two = [...HISTORY.map((s, i) => ({ ...s, lr: 1e-3 / (i + 1) })), ...HISTORY.map((s, i) => ({ ...s, epoch: 13 + i, lr: 5e-4 / (i + 1) }))];
  const png = await lossPlotPng(two);
  const img = await loadImage(Buffer.from(png));
  t.is(img.width, 1000);
});
