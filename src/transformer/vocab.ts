/**
 * The 32-token character vocabulary (spec §1.2–1.3): ids are positions in
 * " !'.?abcdefghijklmnopqrstuvwxyz" followed by <PAD> (id 31). Characters outside the vocabulary
 * are dropped, never mapped to an unknown token. Pure.
 */
export const CHARS = " !'.?abcdefghijklmnopqrstuvwxyz";
export const PAD_TOKEN = '<PAD>';
export const TOKENS: readonly string[] = Object.freeze([...CHARS, PAD_TOKEN]);
export const VOCAB_SIZE = TOKENS.length; // 32
export const PAD_ID = 31;

const ID_OF = new Map<string, number>([...CHARS].map((ch, i) => [ch, i]));

/** Id of a single character, or -1 when it is not in the vocabulary. */
export function charId(ch: string): number {
  return ID_OF.get(ch) ?? -1;
}

/**
 * Lower-case, line breaks (\n, \r\n, \r) to one space each, keep only vocabulary characters
 * (spec §1.3 / §2.1). Prompts are cleaned the same way: `to be\nor` reads `to be or` (issue 12;
 * the reference deleted prompt newlines, spec §3.2, gluing the words together).
 */
export function cleanText(text: string): { kept: string; dropped: string[] } {
  const lower = text.toLowerCase().replace(/\r\n|[\r\n]/g, ' ');
  let kept = '';
  const dropped = new Set<string>();
  for (const ch of lower) {
    if (ID_OF.has(ch)) kept += ch;
    else dropped.add(ch);
  }
  return { kept, dropped: [...dropped] };
}

/**
 * encode(text, S): clean, truncate to S ids, right-pad with PAD to exactly S.
 * @example encode('hello', 16) → [12, 9, 16, 16, 19, 31 × 11]
 */
export function encode(text: string, seqLen: number): Int32Array {
  const ids = new Int32Array(seqLen).fill(PAD_ID);
  const { kept } = cleanText(text);
  const n = Math.min(kept.length, seqLen);
  for (let i = 0; i < n; i++) ids[i] = ID_OF.get(kept[i]!)!;
  return ids;
}

/** decode(ids): tokens up to (not including) the first PAD; unknown ids decode as '?'. */
export function decode(ids: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (id === PAD_ID) break;
    s += id >= 0 && id < CHARS.length ? CHARS[id] : '?';
  }
  return s;
}

/** Display label of one id: PAD → '_', space → ' ', unknown → '?'. */
export function tokenLabel(id: number): string {
  if (id === PAD_ID) return '_';
  return id >= 0 && id < CHARS.length ? CHARS[id]! : '?';
}

/** labels(ids): one display label per row. */
export function labels(ids: ArrayLike<number>): string[] {
  return Array.from({ length: ids.length }, (_, i) => tokenLabel(ids[i]!));
}
