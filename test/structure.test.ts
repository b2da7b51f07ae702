/**
 * The structure of src/ (issue 16): the stack runs one way — cli → app → record → run →
 * {visualization, audio} → {animation, transformer} → the helpers at src/, with core/ used by
 * app/ and record/ only — and no file imports itself back through a circle. ESLint enforces
 * the direction for static imports (eslint.config.js); this reads the whole graph, dynamic
 * `import()` and type-only imports included, and reports what runs back up.
 */
import test from 'ava';
import { fileURLToPath } from 'node:url';
import { folderOf, importCycles, importEdges, importSpecifiers } from './helpers/import-graph.js';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Height of each folder in the stack; an import must go to a lower one (core: see below). */
const RANK: Record<string, number> = {
  cli: 6, app: 5, record: 4, run: 3, visualization: 2, audio: 2, animation: 1, transformer: 1, core: 0, src: 0,
};

/** Whether a file of folder `a` may import a file of folder `b`. */
function mayImport(a: string, b: string): boolean {
  if (a === b) return true;
  if (b === 'core') return a === 'app' || a === 'record';
  if (a === 'core') return b === 'src';
  return RANK[a]! > RANK[b]!;
}

const edges = importEdges(SRC);

test('the import reader sees static, re-export, type-only and dynamic imports, not comments', (t) => {
  const src = [
    "import { a } from './a.js';", "import type { B } from '../b/b.js';", "export { c } from './c.js';",
    "import {\n  d,\n  e,\n} from './d.js';", "const m = await import('../app/m.js');", "import './side.js';",
    "// import { z } from './commented.js';", "/* import('./block.js') */", "const url = 'https://example.org'; // import('./x.js')",
  ].join('\n');
  t.deepEqual(importSpecifiers(src), ['./a.js', '../b/b.js', './c.js', './d.js', '../app/m.js', './side.js']);
});

test('every folder of src/ is placed in the stack, and the graph is not empty', (t) => {
  const folders = new Set(edges.flatMap((e) => [folderOf(e.from), folderOf(e.to)]));
  t.deepEqual([...folders].filter((f) => !(f in RANK)), []);
  t.true(edges.length > 300, `${edges.length} imports`);
  t.true(edges.some((e) => e.from === 'cli/view-command.ts' && e.to === 'app/snapshot.ts'), 'dynamic imports are read');
});

test('0 imports run back up the stack, and nothing outside cli/ imports cli/', (t) => {
  const up = edges.filter((e) => !mayImport(folderOf(e.from), folderOf(e.to))).map((e) => `${e.from} → ${e.to}`);
  t.deepEqual(up, []);
  t.deepEqual(edges.filter((e) => folderOf(e.to) === 'cli' && folderOf(e.from) !== 'cli').map((e) => e.from), []);
});

test('0 import circles at file level', (t) => {
  t.deepEqual(importCycles(edges).map((c) => c.join(' ↔ ')), []);
});

test('the circle finder finds a circle and a self-import', (t) => {
  const e = (from: string, to: string): { from: string; to: string } => ({ from, to });
  t.deepEqual(importCycles([e('a.ts', 'b.ts'), e('b.ts', 'c.ts'), e('c.ts', 'a.ts'), e('c.ts', 'd.ts'), e('d.ts', 'd.ts')]), [['d.ts'], ['a.ts', 'b.ts', 'c.ts']]);
  t.deepEqual(importCycles([e('a.ts', 'b.ts'), e('b.ts', 'c.ts')]), []);
});
