/** Loss CSV round trip, tick choice, and a PNG that decodes to the chart size. */
import test from 'ava';
import { loadImage } from '@napi-rs/canvas';
import { lossCsv, lossPlotPng, niceTicks, parseLossCsv } from '../../src/app/loss-plot.js';
import type { EpochStats } from '../../src/transformer/train.js';
import { UserError } from '../../src/errors.js';

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

test('niceTicks: a range below the float resolution still advances (1e30 … 1e30: a few ticks, not an endless loop)', (t) => {
  const ticks = niceTicks(1e30, 1e30, 6);
  t.true(ticks.length >= 1 && ticks.length <= 8, String(ticks.length));
  t.true(ticks.every((v) => Number.isFinite(v)));
  t.true(ticks[0]! <= 1e30 && ticks[ticks.length - 1]! >= 1e30);
  t.throws(() => niceTicks(0, Infinity, 6), { instanceOf: RangeError });
});

test('lossPlotPng draws a CSV whose only finite loss is 1e30, or whose values are NaN/±Infinity/huge', async (t) => {
  const header = 'epoch,train_loss,val_loss,val_acc,lr,grad_norm,seconds,tokens_per_s';
  for (const rows of [['1,1e30,1e30,5,1e-3,1,1,1'], ['1,-1e308,1e308,500,1e-3,1,1,1', '2,NaN,Infinity,NaN,1,1,1,1']]) {
    const png = await lossPlotPng(parseLossCsv([header, ...rows].join('\n')));
    t.is((await loadImage(Buffer.from(png))).width, 1000);
  }
});

test('parseLossCsv: a malformed CSV is a one-line UserError with a hint naming the line', (t) => {
  const header = 'epoch,train_loss,val_loss,val_acc,lr,grad_norm,seconds,tokens_per_s';
  for (const [text, message] of [
    [`${header}\n`, 'the training-curve CSV has no epochs'],
    [`${header}\n1,abc`, "line 2 of the training-curve CSV is not eight numbers: '1,abc'"],
    [`${header}\n1,2,3,4,5,6,7,x`, "line 2 of the training-curve CSV is not eight numbers: '1,2,3,4,5,6,7,x'"],
    ['a,b\n1,2', "not a training-curve CSV (its header is 'a,b')"],
  ] as const) {
    const e = t.throws(() => parseLossCsv(text), { instanceOf: UserError });
    t.is(e?.message, message);
    t.regex(e?.hint ?? '', /gptviz train/);
  }
});
