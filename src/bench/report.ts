import type { Timing } from './timing.ts';

export interface ReadRow {
  name: string;
  legacy: Timing;
  fast: Timing;
  targetMs?: number;
  equal: boolean;
}

export interface BenchReport {
  title: string;
  reads: ReadRow[];
  /** Other measurements: a label, a value and its unit, and a target. */
  figures: { name: string; value: string; target: string; met: boolean | null }[];
  notes: string[];
}

const ms = (t: number) => (t >= 100 ? t.toFixed(0) : t.toFixed(1));

function verdict(met: boolean | null): string {
  if (met === null) return '';
  return met ? 'met' : 'NOT MET';
}

export function readRowMet(row: ReadRow): boolean | null {
  return row.targetMs === undefined ? null : row.fast.median <= row.targetMs;
}

export function toMarkdown(report: BenchReport): string {
  const lines = [
    `### ${report.title}`,
    '',
    '| read | legacy median ms | legacy p95 ms | fast median ms | fast p95 ms | legacy / fast ' +
      '| fast = legacy | target | |',
    '|---|---:|---:|---:|---:|---:|:---:|---|---|',
  ];
  for (const r of report.reads) {
    const ratio = r.legacy.median / r.fast.median;
    lines.push(
      `| ${r.name} | ${ms(r.legacy.median)} | ${ms(r.legacy.p95)} | ${ms(r.fast.median)} | ` +
        `${ms(r.fast.p95)} | ${ratio.toFixed(0)}× | ${r.equal ? 'yes' : 'NO'} | ` +
        `${r.targetMs === undefined ? '' : `≤ ${r.targetMs} ms`} | ${verdict(readRowMet(r))} |`,
    );
  }
  lines.push('', '| measurement | value | target | |', '|---|---:|---|---|');
  for (const f of report.figures) {
    lines.push(`| ${f.name} | ${f.value} | ${f.target} | ${verdict(f.met)} |`);
  }
  if (report.notes.length > 0) lines.push('', ...report.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

/** The same table for a terminal. */
export function toText(report: BenchReport): string {
  const rows = report.reads.map((r) => [
    r.name,
    `legacy ${ms(r.legacy.median)} ms (p95 ${ms(r.legacy.p95)})`,
    `fast ${ms(r.fast.median)} ms (p95 ${ms(r.fast.p95)})`,
    `${(r.legacy.median / r.fast.median).toFixed(0)}×`,
    r.equal ? 'equal' : 'DIFFERENT',
    verdict(readRowMet(r)),
  ]);
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i].length))) ?? [];
  return [
    report.title,
    ...rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ')),
    ...report.figures.map((f) => `${f.name}: ${f.value} (target ${f.target}) ${verdict(f.met)}`),
    ...report.notes,
  ].join('\n');
}
