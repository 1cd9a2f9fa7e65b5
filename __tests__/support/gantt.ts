// Reads a job summary back: its phase table and its ```mermaid gantt block, so a test can check
// that the chart draws the table (names, durations, marks), as a reader of the summary sees both.

export interface GanttTask {
  /** The title without the mark Mermaid shows after it. */
  name: string;
  /** "cache hit", "FAILED", ... or undefined. */
  mark?: string;
  tags: string[];
  /** Seconds from the run's start. */
  start: number;
  end: number;
  seconds: number;
}

/** The tasks of the first ```mermaid gantt block; throws when there is none or a line is not a task. */
export function ganttTasks(markdown: string): GanttTask[] {
  const block = /^```mermaid\ngantt\n([\s\S]*?)^```$/m.exec(markdown);
  if (!block) throw new Error(`no mermaid gantt block in:\n${markdown}`);
  const lines = block[1]!.split('\n').filter((l) => l.trim());
  expectHeader(lines, 'dateFormat x');
  return lines
    .filter((l) => !/^\s*(title|dateFormat|axisFormat|todayMarker|section)\b/.test(l))
    .map((l) => {
      const m = /^ {4}([^:#;]+?)(?: \(([^()]+)\))? :((?:(?:done|crit|active), )*)p\d+, (\d+), (\d+)$/.exec(l);
      if (!m) throw new Error(`not a gantt task line: ${JSON.stringify(l)}`);
      const start = Number(m[4]) / 1000;
      const end = Number(m[5]) / 1000;
      return {
        name: m[1]!,
        ...(m[2] ? { mark: m[2] } : {}),
        tags: m[3]!.split(', ').filter(Boolean),
        start,
        end,
        seconds: end - start,
      };
    });
}

function expectHeader(lines: string[], want: string): void {
  if (!lines.some((l) => l.trim() === want)) throw new Error(`gantt block without "${want}"`);
}

/** The summary's phase table: `| name | 12.3 | ok |` rows. */
export function phaseTable(markdown: string): { name: string; seconds: number; ok: boolean }[] {
  const section =
    /^### Phases\n\n\| phase \| seconds \| result \|\n\| --- \| ---: \| --- \|\n((?:\|.*\n)*)/m.exec(
      markdown,
    );
  if (!section) throw new Error(`no phase table in:\n${markdown}`);
  return section[1]!
    .trim()
    .split('\n')
    .map((row) => {
      const [, name, seconds, result] = /^\| (.+) \| ([\d.]+) \| (ok|failed) \|$/.exec(row)!;
      return { name: name!, seconds: Number(seconds), ok: result === 'ok' };
    });
}

/**
 * The chart's phases against the table's, sorted by name: equal when every table row has a bar of
 * the same name whose duration rounds to the table's one decimal (within 0.05 s and a millisecond).
 */
export function ganttAgainstTable(markdown: string): {
  table: { name: string; seconds: number }[];
  gantt: { name: string; seconds: number }[];
} {
  const table = phaseTable(markdown)
    .map((p) => ({ name: p.name, seconds: p.seconds }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const gantt = ganttTasks(markdown)
    .map((t) => {
      const row = table.find((p) => p.name === t.name);
      const close = row && Math.abs(row.seconds - t.seconds) <= 0.051;
      return { name: t.name, seconds: close ? row.seconds : t.seconds };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { table, gantt };
}
