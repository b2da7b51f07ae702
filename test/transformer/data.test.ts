/** Training data preparation (spec §2.1): cleaning, raw 90/10 split, chunks of S + 1. */
import { existsSync, readFileSync } from 'node:fs';
import test from 'ava';
import { prepareCorpus } from '../../src/transformer/data.js';
import { decode } from '../../src/transformer/vocab.js';

test('lower-cases, maps newlines to spaces, drops characters outside the vocabulary', (t) => {
  // 40 raw characters: the 90/10 split cuts the raw string at 36, before filtering.
  const raw = 'AB,c\nde:fgh-ijklmnop;qrstuvwxyz0123456789';
  const c = prepareCorpus(raw.slice(0, 40), 3);
  t.is(c.chars, 40);
  // train = raw[0:36] cleaned = "abc defghijklmnopqrstuvwxyz0123…" → vocab chars "abc defghijklmnopqrstuvwxyz" (27)
  t.is(c.train.count, 6); // ⌊27 / 4⌋
  t.is(decode(c.train.ids.subarray(0, 8)), 'abc defg');
  t.is(c.val.count, 0); // raw[36:40] = "6789": nothing kept
});

test('chunks are non-overlapping S+1 windows, the remainder dropped', (t) => {
  const text = 'abcdefghij'.repeat(20); // 200 chars → train 180, val 20
  const c = prepareCorpus(text, 4);
  t.is(c.train.count, 36);
  t.is(c.val.count, 4);
  t.is(decode(c.train.ids.subarray(5, 10)), 'fghij');
  t.is(c.train.ids.length, 36 * 5);
});

const CORPUS = '/work/shared/data/tinyshakespeare.txt';
test('the shipped corpus gives 57,185 / 6,324 chunks at S = 16 (when present)', (t) => {
  if (!existsSync(CORPUS)) {
    t.pass('corpus not present on this machine');
    return;
  }
  const c = prepareCorpus(readFileSync(CORPUS, 'utf8'), 16);
  t.is(c.chars, 1115394);
  t.is(c.train.count, 57185);
  t.is(c.val.count, 6324);
});
