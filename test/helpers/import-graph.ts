/**
 * A structural read of src/: every import of every .ts file (static, `export … from`, dynamic
 * `import()`, type-only included) resolved to the file it names, the import circles at file
 * level (strongly connected components, Tarjan) and the folder of each file (its first folder
 * under src/; the helpers directly at src/ are folder 'src').
 *
 * What it is not: a TypeScript parser — it reads import statements with regular expressions over
 * the source with comments removed, which is what this codebase writes.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface ImportEdge {
  /** Importing and imported file, relative to src/ ('app/record.ts'). */
  readonly from: string;
  readonly to: string;
}

function tsFiles(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return tsFiles(full, base);
    return e.name.endsWith('.ts') ? [path.relative(base, full).split(path.sep).join('/')] : [];
  });
}

const IMPORT_RE = /\b(?:import|export)\s+(?:type\s+)?(?:[\w*{}\s,$]+?\s+from\s+)?'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/g;

/** The specifiers a source text imports (comments removed first). */
export function importSpecifiers(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"])\/\/.*$/gm, '$1');
  return [...code.matchAll(IMPORT_RE)].map((m) => (m[1] ?? m[2])!);
}

/** Every project-internal import edge of the .ts files under `srcDir`. */
export function importEdges(srcDir: string): ImportEdge[] {
  const files = tsFiles(srcDir);
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    for (const spec of importSpecifiers(readFileSync(path.join(srcDir, from), 'utf8'))) {
      if (!spec.startsWith('.')) continue;
      const to = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)).replace(/\.js$/, '.ts');
      if (!known.has(to)) throw new Error(`${from}: import '${spec}' names no file under src/`);
      edges.push({ from, to });
    }
  }
  return edges;
}

/** The folder of a file relative to src/: 'app/record.ts' → 'app', 'frame.ts' → 'src'. */
export function folderOf(file: string): string {
  const i = file.indexOf('/');
  return i < 0 ? 'src' : file.slice(0, i);
}

/** Import circles: the strongly connected components with more than one file (or a self-import). */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.to)) next.set(e.to, []);
    next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || next.get(v)!.includes(v)) cycles.push(scc.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}
