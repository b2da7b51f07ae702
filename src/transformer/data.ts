/**
 * Training data from a corpus string (spec §2.1): lower-case, newlines → spaces, split the raw
 * string 90/10 (before filtering), keep only vocabulary characters, cut each split into
 * non-overlapping chunks of S + 1 ids (the remainder is dropped). A chunk's first S ids are the
 * input, its last S the target. Pure; reading the file is the caller's business.
 */
import { charId } from './vocab.js';

/** Chunks of one split: `count` rows of S + 1 ids, row-major. */
export interface ChunkSet {
  readonly ids: Int32Array;
  readonly count: number;
}

export interface Corpus {
  readonly seqLen: number;
  /** Characters in the raw corpus. */
  readonly chars: number;
  readonly train: ChunkSet;
  readonly val: ChunkSet;
}

/** Encode the vocabulary characters of `text` (already cleaned) and cut chunks of S + 1. */
function chunk(text: string, seqLen: number): ChunkSet {
  const ids = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const id = charId(text[i]!);
    if (id >= 0) ids[n++] = id;
  }
  const w = seqLen + 1;
  const count = Math.floor(n / w);
  return { ids: ids.slice(0, count * w), count };
}

/**
 * Build the train/validation chunks of spec §2.1.
 *
 * @example prepareCorpus(tinyShakespeare, 16) → 57,185 train / 6,324 val chunks
 */
export function prepareCorpus(raw: string, seqLen: number): Corpus {
  const text = raw.toLowerCase().replaceAll('\n', ' ');
  const cut = Math.floor(0.9 * text.length);
  return {
    seqLen,
    chars: raw.length,
    train: chunk(text.slice(0, cut), seqLen),
    val: chunk(text.slice(cut), seqLen),
  };
}
