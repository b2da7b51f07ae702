/**
 * The stage/group state machine (spec §5.5), the input override during the character display
 * (§5.6 rule 1) and the scene-level visibility rules (§5.6 rules 2–4) at stage boundaries.
 */
import test from 'ava';
import { phaseAt } from '../../src/animation/timeline.js';
import { buildScene } from '../../src/visualization/scene.js';
import type { Scene } from '../../src/visualization/scene.js';
import { evaluateState } from '../../src/visualization/scene-eval.js';
import {
  PHASE_APPEAR, PHASE_COMPUTE, PHASE_DONE, PHASE_INACTIVE, PHASE_SETTLE, phaseCodeAt,
} from '../../src/visualization/stage-state.js';
import { randomInput, stateFor, stepInput } from './scene-fixtures.js';

const random = buildScene(randomInput());
const full = buildScene(stepInput('hello', 'full'));

function stage(s: Scene, name: string): number {
  const i = s.stages.findIndex((x) => x.name === name);
  if (i < 0) throw new Error(`no stage ${name}`);
  return i;
}
/** Visual indices of a stage, group g. */
function visualsOf(s: Scene, name: string, g: number): number[] {
  const st = s.stages[stage(s, name)]!;
  const out: number[] = [];
  for (let i = st.firstVisual; i < st.firstVisual + st.visualCount; i++) if (s.visuals[i]!.group === g) out.push(i);
  return out;
}
const near = (a: number, b: number, eps = 1e-9): boolean => Math.abs(a - b) <= eps;

test('phase codes agree with the timeline phaseAt at and around every boundary', (t) => {
  const code = { inactive: PHASE_INACTIVE, appear: PHASE_APPEAR, compute: PHASE_COMPUTE, settle: PHASE_SETTLE, done: PHASE_DONE };
  const local = new Float64Array(1);
  for (const st of full.timeline.stages) {
    for (const x of [st.start, st.start + st.appear, st.start + st.appear + st.compute, st.end]) {
      for (const dt of [-1e-3, 0, 1e-3]) {
        const p = phaseAt(st, x + dt);
        t.is(phaseCodeAt(st, x + dt, local, 0), code[p.kind], `${st.name} at ${x + dt}`);
        if ('local' in p) t.true(near(local[0]!, p.local));
      }
    }
  }
});

test('appear: group 0 appears with the stage, later groups stay hidden (§5.5)', (t) => {
  const mha = full.stages[stage(full, 'multi_head_attn')]!.timing;
  evaluateState(full, mha.start + 0.5 * mha.appear, stateFor(full));
  for (const v of visualsOf(full, 'multi_head_attn', 0)) {
    t.is(stateFor(full).alpha[v], 1);
    t.true(near(stateFor(full).appearT[v]!, 0.5));
    t.is(stateFor(full).t[v], 0);
  }
  for (const g of [1, 2]) for (const v of visualsOf(full, 'multi_head_attn', g)) t.is(stateFor(full).alpha[v], 0);
});

test('compute: a later group spends its first 20 % appearing, then computes (§5.5)', (t) => {
  const mha = full.stages[stage(full, 'multi_head_attn')]!.timing;
  const [s0, s1] = mha.segments[2]!;
  const at = (lam: number): number => mha.start + mha.appear + (s0 + lam * (s1 - s0)) * mha.compute;
  evaluateState(full, at(0.1), stateFor(full));
  for (const v of visualsOf(full, 'multi_head_attn', 2)) {
    t.is(stateFor(full).alpha[v], 1);
    t.true(near(stateFor(full).appearT[v]!, 0.5, 1e-6));
    t.is(stateFor(full).t[v], 0);
  }
  evaluateState(full, at(0.6), stateFor(full));
  for (const v of visualsOf(full, 'multi_head_attn', 2)) {
    t.is(stateFor(full).appearT[v], 1);
    t.true(near(stateFor(full).t[v]!, 0.5, 1e-6));
  }
  // Group 0 at the same time: taken over — no result, inputs faded (fade_inputs_on_takeover).
  for (const v of visualsOf(full, 'multi_head_attn', 0)) {
    t.is(stateFor(full).outputMult[v], 0);
    t.is(stateFor(full).alpha[v], 0);
  }
  // Group 1 (softmax activation) keeps its alpha (its label stays) but draws nothing.
  for (const v of visualsOf(full, 'multi_head_attn', 1)) {
    t.is(stateFor(full).alpha[v], 1);
    t.is(stateFor(full).outputMult[v], 0);
  }
});

test('takeover fades Q·Kᵀ over the first 20 % of the softmax group; the add vanishes at once (§5.6 rule 2)', (t) => {
  const mha = full.stages[stage(full, 'multi_head_attn')]!.timing;
  const [s0, s1] = mha.segments[1]!;
  evaluateState(full, mha.start + mha.appear + (s0 + 0.1 * (s1 - s0)) * mha.compute, stateFor(full));
  for (const v of visualsOf(full, 'multi_head_attn', 0)) {
    t.is(stateFor(full).outputMult[v], 0);
    t.true(near(stateFor(full).alpha[v]!, 0.5, 1e-6));
    t.true(near(stateFor(full).labelFade[v]!, 0.5, 1e-6));
  }
  const res = full.stages[stage(full, 'residual_ln1')]!.timing;
  const [r0, r1] = res.segments[1]!;
  evaluateState(full, res.start + res.appear + (r0 + 0.1 * (r1 - r0)) * res.compute, stateFor(full));
  for (const v of visualsOf(full, 'residual_ln1', 0)) {
    t.is(stateFor(full).alpha[v], 0);
    t.true(near(stateFor(full).labelFade[v]!, 0.5, 1e-6));
  }
});

test('zero-length input stage: driven by the character display, then settle at its start (§5.6 rule 1, §4.1)', (t) => {
  const ci = stage(full, 'char_display');
  const ii = stage(full, 'input');
  const cd = full.stages[ci]!.timing;
  evaluateState(full, cd.start + cd.appear + 0.5 * cd.compute, stateFor(full));
  t.is(stateFor(full).phase[ii], PHASE_APPEAR);
  t.true(near(stateFor(full).local[ii]!, 0.5, 1e-9));
  const x = full.stages[ii]!.firstVisual;
  t.true(near(stateFor(full).appearT[x]!, 0.5, 1e-9));
  evaluateState(full, cd.start + 0.5 * cd.appear, stateFor(full));
  t.is(stateFor(full).phase[ii], PHASE_INACTIVE);
  t.is(stateFor(full).alpha[x], 0);
  evaluateState(full, cd.end, stateFor(full));
  t.is(stateFor(full).phase[ii], PHASE_SETTLE);
  t.is(stateFor(full).alpha[x], 1);
  t.is(stateFor(full).appearT[x], 1);
});

test('finished stages fade during the first quarter of the next appear; outputs vanish at once (§5.6 rule 3)', (t) => {
  const qkv = random.stages[stage(random, 'qkv_projection')]!;
  const mha = random.stages[stage(random, 'multi_head_attn')]!.timing;
  evaluateState(random, mha.start + 0.1 * mha.appear, stateFor(random));
  const qi = stage(random, 'qkv_projection');
  t.true(near(stateFor(random).stageAlpha[qi]!, 0.6, 1e-9));
  for (let v = qkv.firstVisual; v < qkv.firstVisual + qkv.visualCount; v++) {
    t.true(near(stateFor(random).alpha[v]!, 0.6, 1e-9));
    t.is(stateFor(random).outputMult[v], random.visuals[v]!.isStageOutput ? 0 : 1, 'Q and K results vanish, V stays');
  }
  evaluateState(random, mha.start + 0.3 * mha.appear, stateFor(random));
  t.is(stateFor(random).stageAlpha[qi], 0);
  // The input stage (static) vanished immediately when QKV began.
  evaluateState(random, random.stages[qi]!.timing.start + 1e-3, stateFor(random));
  const xi = random.stages[stage(random, 'input')]!.firstVisual;
  t.is(stateFor(random).alpha[xi], 0);
});

test('return phase fades every stage with 1 − 2r and the token probabilities with 1 − 5r (§5.6 rule 4)', (t) => {
  const r = 0.1;
  evaluateState(full, full.total + r * full.returnDuration, stateFor(full));
  const pi = stage(full, 'token_probs');
  t.true(near(stateFor(full).stageAlpha[pi]!, 0.5, 1e-9));
  const pv = full.stages[pi]!.firstVisual + 2;
  t.true(near(stateFor(full).alpha[pv]!, 0.5, 1e-9));
  evaluateState(random, random.total + 0.25 * random.returnDuration, stateFor(random));
  const last = random.stages.length - 1;
  t.true(near(stateFor(random).stageAlpha[last]!, 0.5, 1e-9));
});
