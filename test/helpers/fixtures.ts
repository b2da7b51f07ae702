/**
 * Loading the golden JSON fixtures produced by the Python reference (test/fixtures/README.md).
 * Every array is {shape, dtype, data} with data row-major.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface FixtureArray {
  shape: number[];
  dtype: string;
  data: number[];
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/** test/fixtures, found from either test/helpers (ts) or dist/test/helpers (compiled). */
export const FIXTURE_DIR = path.resolve(HERE, HERE.includes(`${path.sep}dist${path.sep}`) ? '../../../test/fixtures' : '../fixtures');

const cache = new Map<string, unknown>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function loadFixture(name: string): any {
  let v = cache.get(name);
  if (v === undefined) {
    v = JSON.parse(readFileSync(path.join(FIXTURE_DIR, name), 'utf8'));
    cache.set(name, v);
  }
  return v;
}

export const HELLO = 'charlm_seq16_hello_world.json';
export const TO_BE = 'charlm_seq16_to_be_or_not_to_be.json';
export const RANDOM = 'random_weights_mode_seq16.json';
