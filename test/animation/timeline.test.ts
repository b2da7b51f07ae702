/**
 * Timeline tests (spec §4.1–4.5): every start/appear/compute/settle/segment of the §4.4 tables and
 * of reference-frames/INDEX.md's random-mode table, totals, phases at boundaries, current stage.
 */
import test from 'ava';
import type { ExecutionContext } from 'ava';
import { buildTimeline, currentStageIndex, phaseAt, progress, stageIndex, writePhase } from '../../src/animation/timeline.js';
import type { PhaseOut, Timeline } from '../../src/animation/timeline.js';
import { STAGE_SPEED } from '../../src/animation/speeds.js';
import { UserError } from '../../src/errors.js';

const TOL = 1e-4;

type Row = [name: string, start: number, appear: number, compute: number, settle: number, segs?: number[][]];

function check(t: ExecutionContext, tl: Timeline, rows: Row[]): void {
  t.deepEqual(tl.stages.map((s) => s.name), rows.map((r) => r[0]));
  rows.forEach(([name, start, appear, compute, settle, segs], i) => {
    const s = tl.stages[i];
    t.is(s.index, i);
    for (const [label, got, want] of [
      ['start', s.start, start], ['appear', s.appear, appear], ['compute', s.compute, compute], ['settle', s.settle, settle],
      ['end', s.end, s.start + s.appear + s.compute + s.settle],
    ] as const) {
      t.true(Math.abs(got - want) < TOL, `${name}.${label}: ${got} ≠ ${want}`);
    }
    if (segs !== undefined) {
      t.is(s.segments.length, segs.length, `${name} segment count`);
      segs.forEach(([a, b], g) => {
        t.true(Math.abs(s.segments[g][0] - a) < 1e-4 && Math.abs(s.segments[g][1] - b) < 1e-4, `${name} seg ${g}: ${s.segments[g].join(',')}`);
      });
    }
  });
}

test('full generation step equals spec §4.4', (t) => {
  const tl = buildTimeline('full', { hasCharDisplay: true });
  check(t, tl, [
    ['char_display', 0, 1, 1, 0.6667, [[0, 1]]],
    ['input', 2.6667, 0, 0, 0, []],
    ['qkv_projection', 2.6667, 2, 4.1667, 1, [[0, 1]]],
    ['multi_head_attn', 9.8333, 2, 8.5714, 1, [[0, 0.29167], [0.29167, 0.58333], [0.58333, 1]]],
    ['concat_output_proj', 21.4048, 2, 4.1667, 1, [[0, 1]]],
    ['residual_ln1', 28.5714, 2, 5, 1, [[0, 0.5], [0.5, 1]]],
    ['ffn', 36.5714, 2, 22.5, 1, [[0, 0.44444], [0.44444, 0.55556], [0.55556, 1]]],
    ['residual_ln2', 62.0714, 2, 5, 0.7692, [[0, 0.5], [0.5, 1]]],
    ['output', 69.8407, 1, 0, 0.5, []],
    ['block_2', 71.3407, 1.3333, 1.6667, 0.6667, [[0, 1]]],
    ['block_3', 75.0073, 1.3333, 1.6667, 0.6667, [[0, 1]]],
    ['block_4', 78.674, 1.3333, 1.6667, 0.6667, [[0, 1]]],
    ['output_projection', 82.3407, 2, 6.25, 1, [[0, 1]]],
    ['token_probs', 91.5907, 2, 5, 0.5, [[0, 0.5], [0.5, 0.75], [0.75, 1]]],
  ]);
  t.true(Math.abs(tl.total - 99.0907) < TOL);
  t.is(tl.returnDuration, 1.3);
  t.true(Math.abs(tl.duration - 100.3907) < TOL);
  t.is(tl.kind, 'full');
  t.true(Object.isFrozen(tl) && Object.isFrozen(tl.stages) && Object.isFrozen(tl.stages[3]) && Object.isFrozen(tl.stages[3].segments));
});

test('random-weights mode equals spec §4.4 and reference-frames INDEX.md', (t) => {
  const tl = buildTimeline('random', { hasCharDisplay: false });
  check(t, tl, [
    ['input', 0, 2, 0, 2, []],
    ['qkv_projection', 4.0, 2, 4.1667, 1, [[0, 1]]],
    ['multi_head_attn', 11.1667, 2, 8.5714, 1],
    ['concat_output_proj', 22.7381, 2, 4.1667, 1],
    ['residual_ln1', 29.9048, 2, 5, 1, [[0, 0.5], [0.5, 1]]],
    ['ffn', 37.9048, 2, 22.5, 1],
    ['residual_ln2', 63.4048, 2, 5, 0.7692],
    ['output', 71.174, 1, 0, 0.5],
    ['block_2', 72.674, 1.3333, 1.6667, 0.6667],
    ['block_3', 76.3407, 1.3333, 1.6667, 0.6667],
    ['block_4', 80.0073, 1.3333, 1.6667, 0.6667],
  ]);
  const mha = tl.stages[2].segments;
  t.true(Math.abs(mha[0][1] - 0.292) < 1e-3 && Math.abs(mha[1][1] - 0.583) < 1e-3);
  t.true(Math.abs(tl.total - 83.674) < TOL);
  t.true(Math.abs(tl.duration - 84.974) < TOL);
});

test('logits-only step equals spec §4.4', (t) => {
  const tl = buildTimeline('logits', { hasCharDisplay: true });
  const third = 1 / 3;
  check(t, tl, [
    ['char_display', 0, 1, 1, 0.6667],
    ['input', 2.6667, 0, 0, 0],
    ['block_1', 2.6667, 0.3333, 0, 0.3333, []],
    ['block_2', 3.3333, 0.3333, 0, 0.3333],
    ['block_3', 4.0, 0.3333, 0, 0.3333],
    ['block_4', 4.6667, 0.3333, 0, 0.3333],
    ['output_projection', 5.3333, 0.3333, 0, 0.3333, []],
    ['token_probs', 6.0, 0.3333, 1.25, 0.3333, [[0, third], [third, 2 * third], [2 * third, 1]]],
  ]);
  t.true(Math.abs(tl.total - 7.9167) < TOL);
  t.true(Math.abs(tl.duration - 9.2167) < TOL);
});

test('final display: char_display only, no return', (t) => {
  const tl = buildTimeline('final', { hasCharDisplay: true });
  check(t, tl, [['char_display', 0, 1, 1, 0.6667, [[0, 1]]]]);
  t.true(Math.abs(tl.total - 2.6667) < TOL);
  t.is(tl.returnDuration, 0);
  t.is(tl.duration, tl.total);
});

test('block count follows numBlocks', (t) => {
  const full2 = buildTimeline('full', { hasCharDisplay: true, numBlocks: 2 });
  t.deepEqual(full2.stages.filter((s) => s.name.startsWith('block_')).map((s) => s.name), ['block_2']);
  const full1 = buildTimeline('random', { hasCharDisplay: false, numBlocks: 1 });
  t.is(full1.stages[full1.stages.length - 1].name, 'output');
  const lg6 = buildTimeline('logits', { hasCharDisplay: true, numBlocks: 6 });
  t.deepEqual(lg6.stages.filter((s) => s.name.startsWith('block_')).map((s) => s.name), ['block_1', 'block_2', 'block_3', 'block_4', 'block_5', 'block_6']);
  t.true(Math.abs(lg6.total - (7.9167 + 4 / 3)) < TOL);
  t.throws(() => buildTimeline('full', { hasCharDisplay: true, numBlocks: 0 }), { instanceOf: RangeError });
});

test('custom speeds: padding, truncation, min 0.01, bad values are UserErrors', (t) => {
  const tl = buildTimeline('random', {
    hasCharDisplay: false,
    speeds: { stage: { ...STAGE_SPEED, ffn: { compute: [0.5] }, residual_ln1: { compute: [1, 1, 7] }, qkv_projection: { compute: [0] } }, logitsOnly: {} },
  });
  const ffn = tl.stages[stageIndex(tl, 'ffn')];
  t.true(Math.abs(ffn.compute - 2.5 * (2 + 1 + 1)) < 1e-9);
  t.deepEqual(ffn.segments.map((s) => [s[0], s[1]]), [[0, 0.5], [0.5, 0.75], [0.75, 1]]);
  t.is(tl.stages[stageIndex(tl, 'residual_ln1')].compute, 5);
  t.is(tl.stages[stageIndex(tl, 'qkv_projection')].compute, 250);
  const bad = (entry: object): void => {
    buildTimeline('random', { hasCharDisplay: false, speeds: { stage: { ...STAGE_SPEED, ffn: entry }, logitsOnly: {} } });
  };
  const e = t.throws(() => bad({ appear: 0 }), { instanceOf: UserError });
  t.regex(e.message, /'ffn' appear/);
  t.throws(() => bad({ settle: -1 }), { instanceOf: UserError });
  t.throws(() => bad({ compute: [Number.NaN] }), { instanceOf: UserError });
});

test('phaseAt at boundaries (spec §4.1)', (t) => {
  const tl = buildTimeline('full', { hasCharDisplay: true });
  const qkv = tl.stages[2];
  t.deepEqual(phaseAt(qkv, qkv.start - 1e-9), { kind: 'inactive' });
  t.deepEqual(phaseAt(qkv, qkv.start), { kind: 'appear', local: 0 });
  t.deepEqual(phaseAt(qkv, qkv.start + 1), { kind: 'appear', local: 0.5 });
  const c0 = phaseAt(qkv, qkv.start + qkv.appear + 1e-9);
  t.true(c0.kind === 'compute' && c0.local < 1e-6);
  const c = phaseAt(qkv, qkv.start + qkv.appear + qkv.compute / 2);
  t.is(c.kind, 'compute');
  t.true(c.kind === 'compute' && Math.abs(c.local - 0.5) < 1e-9);
  t.like(phaseAt(qkv, qkv.end), { kind: 'settle', local: 1 });
  t.deepEqual(phaseAt(qkv, qkv.end + 1e-9), { kind: 'done' });
  // zero-length stage exactly at its start → settle, local 0
  const input = tl.stages[1];
  t.deepEqual(phaseAt(input, input.start), { kind: 'settle', local: 0 });
  t.deepEqual(phaseAt(input, input.start + 1e-9), { kind: 'done' });
  // compute 0 never enters compute
  const output = tl.stages[stageIndex(tl, 'output')];
  const o = phaseAt(output, output.start + output.appear + 1e-9);
  t.true(o.kind === 'settle' && o.local < 1e-6);
  // writePhase agrees and reports inactive 0 / done 1
  const out: PhaseOut = { kind: 'inactive', local: 0 };
  t.deepEqual({ ...writePhase(out, qkv, 0) }, { kind: 'inactive', local: 0 });
  t.deepEqual({ ...writePhase(out, qkv, 50) }, { kind: 'done', local: 1 });
  for (const time of [3, 5, 8, 9.5]) {
    const p = phaseAt(qkv, time);
    writePhase(out, qkv, time);
    t.is(out.kind, p.kind);
    t.is(out.local, 'local' in p ? p.local : 0);
  }
});

test('currentStageIndex skips zero-length stages, last during return; stageIndex', (t) => {
  const tl = buildTimeline('full', { hasCharDisplay: true });
  t.is(currentStageIndex(tl, 0), 0);
  t.is(currentStageIndex(tl, tl.stages[0].end), 2); // input has zero length
  t.is(currentStageIndex(tl, 50), stageIndex(tl, 'ffn'));
  t.is(currentStageIndex(tl, tl.total + 0.5), tl.stages.length - 1);
  t.is(stageIndex(tl, 'token_probs'), 13);
  t.is(stageIndex(tl, 'block_1'), -1);
  // without a character display the input stage has its normal length and is current at 0
  const noChars = buildTimeline('logits', { hasCharDisplay: false });
  t.is(noChars.stages[0].name, 'input');
  t.is(currentStageIndex(noChars, 0), 0);
});

test('progress: clamp and the zero-duration rule', (t) => {
  t.is(progress(3, 2, 4), 0.25);
  t.is(progress(1, 2, 4), 0);
  t.is(progress(9, 2, 4), 1);
  t.is(progress(2, 2, 0), 1);
  t.is(progress(1.999, 2, 0), 0);
  t.is(progress(5, 2, -1), 1);
});
