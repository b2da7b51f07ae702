/**
 * `npm run bench`: runs every dist/bench/*.bench.js (or those named on the command line, e.g.
 * `npm run bench -- model`) and prints one table. Benchmarks, not tests, check speed targets.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-row.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function fmt(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (digits !== undefined) return v.toFixed(digits);
  const a = Math.abs(v);
  if (a >= 1000) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.bench.js'))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const rows: (BenchRow & { suite: string })[] = [];
  for (const f of files) {
    const suite = f.replace('.bench.js', '');
    process.stderr.write(`running ${suite}…\n`);
    const mod = (await import(pathToFileURL(path.join(HERE, f)).href)) as { bench(): Promise<BenchRow[]> };
    try {
      for (const r of await mod.bench()) rows.push({ ...r, suite });
    } catch (e) {
      rows.push({ suite, name: `FAILED: ${e instanceof Error ? e.message : String(e)}`, value: NaN, unit: '' });
    }
  }
  const table = rows.map((r) => [
    r.suite,
    r.name,
    `${fmt(r.value, r.digits)} ${r.unit}`,
    r.target ?? '',
    r.ok === undefined ? '' : r.ok ? 'ok' : 'MISS',
    r.note ?? '',
  ]);
  const head = ['suite', 'measure', 'value', 'target', '', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ').trimEnd();
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const row of table) console.log(line(row));
}

void main();
