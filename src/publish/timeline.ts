// Where the time went: the phases on the run's clock, as a Mermaid gantt chart for the job
// summary and as a text bar chart for the terminal. Phases that ran side by side overlap;
// failed phases and phases served from a cache are marked.
import { redact } from '../runtime/redact.js';
import type { PhaseTiming } from '../runtime/phases.js';
import type { RunReport } from './report.js';

type CacheReport = RunReport['caches'][number];

/** A cache's name -> the phase it serves, where the two names differ. */
const CACHE_PHASE: Record<string, string> = { ccache: 'build', 'pi-gen-stage0': 'pi-gen-cache' };

export interface Bar {
  name: string;
  start: number;
  seconds: number;
  failed: boolean;
  /** 'cache hit' or 'cache partial' when the phase was served from a cache. */
  cache?: string;
}

/** The phases in the order they started, each with its cache mark. */
export function bars(timings: readonly PhaseTiming[], caches: readonly CacheReport[] = []): Bar[] {
  const served = new Map<string, string>();
  for (const c of caches)
    if (c.status === 'hit' || c.status === 'partial')
      served.set(CACHE_PHASE[c.name] ?? c.name, `cache ${c.status}`);
  return [...timings]
    .sort((a, b) => a.start - b.start)
    .map((t) => {
      const cache = served.get(t.name);
      return {
        name: t.name,
        start: Math.max(0, t.start),
        seconds: Math.max(0, t.seconds),
        failed: !t.ok,
        ...(cache ? { cache } : {}),
      };
    });
}

// Mermaid's gantt lexer ends a task's title at ':', '#' or ';' ('#' also starts a comment) and
// reads a line starting with a keyword as that statement; keep titles to plain characters.
const KEYWORD =
  /^(gantt|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|section|click|call|href|acctitle|accdescr|accdescription|inclusiveenddates|topaxis)/i;

/** A phase name as a Mermaid task title: secrets out first (they must not survive the escaping). */
export function mermaidTitle(name: string, secrets: readonly string[] = []): string {
  const plain = redact(name, secrets)
    .replace(/[^\p{L}\p{N} _.,()*+/=@-]/gu, '_')
    .trim();
  if (!plain) return 'phase';
  return KEYWORD.test(plain) ? `phase ${plain}` : plain;
}

/**
 * A ```mermaid gantt block. Times are milliseconds from the run's start (`dateFormat x`: a whole
 * number, which Mermaid's strict date parse accepts; a decimal `X` falls through to `new Date`).
 * The axis reads minutes:seconds from 1970-01-01 in the reader's time zone, right wherever the
 * offset is whole hours.
 */
export function ganttBlock(
  timings: readonly PhaseTiming[],
  caches: readonly CacheReport[] = [],
  secrets: readonly string[] = [],
): string {
  const rows = bars(timings, caches);
  if (!rows.length) return '';
  const end = Math.max(...rows.map((b) => b.start + b.seconds));
  const lines = [
    '```mermaid',
    'gantt',
    '    title Phases (minutes:seconds from the start)',
    '    dateFormat x',
    `    axisFormat ${end >= 3600 ? '%H:%M:%S' : '%M:%S'}`,
    '    todayMarker off',
  ];
  rows.forEach((b, i) => {
    const from = Math.round(b.start * 1000);
    const to = from + Math.round(b.seconds * 1000);
    const note = b.failed ? ' (FAILED)' : b.cache ? ` (${b.cache})` : '';
    const tags = [...(b.failed ? ['crit'] : []), ...(b.cache ? ['done'] : [])];
    lines.push(`    ${mermaidTitle(b.name, secrets)}${note} :${[...tags, `p${i}`, from, to].join(', ')}`);
  });
  lines.push('```');
  return lines.join('\n');
}

/**
 * The same as text, one line per phase, no wider than `width`: name, a bar placed at the phase's
 * start and scaled to the run's length, seconds, and the mark.
 */
export function textChart(
  timings: readonly PhaseTiming[],
  caches: readonly CacheReport[] = [],
  width = 80,
): string {
  const rows = bars(timings, caches);
  if (!rows.length) return '';
  const end = Math.max(...rows.map((b) => b.start + b.seconds));
  const nameWidth = Math.min(14, Math.max(...rows.map((b) => b.name.length)));
  const notes = rows.map((b) => (b.failed ? 'FAILED' : (b.cache ?? '')));
  const noteWidth = Math.max(...notes.map((n) => (n ? n.length + 2 : 0)));
  // indent, name, ' |', bar, '| ', '12345.6 s', note
  const barWidth = Math.max(10, width - (2 + nameWidth + 2 + 2 + 9 + noteWidth));
  const col = (s: number): number => (end > 0 ? Math.round((s / end) * barWidth) : 0);
  const lines = rows.map((b, i) => {
    const from = Math.min(col(b.start), barWidth - 1);
    const to = Math.max(from + 1, col(b.start + b.seconds)); // a short phase still shows
    const bar = ' '.repeat(from) + '█'.repeat(to - from) + ' '.repeat(Math.max(0, barWidth - to));
    const name = b.name.length > nameWidth ? `${b.name.slice(0, nameWidth - 1)}…` : b.name.padEnd(nameWidth);
    const note = notes[i] ? `  ${notes[i]}` : '';
    return `  ${name} |${bar}| ${b.seconds.toFixed(1).padStart(7)} s${note}`;
  });
  return [`Timeline (0 to ${end.toFixed(0)} s):`, ...lines].join('\n');
}
