// Named, timed phases: a log group each, durations for the summary and the bench,
// and the failing phase remembered for the post step.
import { inActions, logger } from './log.js';
import { saveState } from './state.js';

export interface PhaseTiming {
  name: string;
  seconds: number;
  ok: boolean;
}

export class Phases {
  readonly timings: PhaseTiming[] = [];

  async run<T>(name: string, title: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    // A heartbeat, so a long emulated step never looks stuck.
    const tty = !inActions() && process.stderr.isTTY;
    const heartbeat = setInterval(
      () => {
        const s = Math.round((Date.now() - started) / 1000);
        logger().progress(`${name}: ${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`);
      },
      tty ? 1000 : 30_000,
    );
    heartbeat.unref();
    try {
      const r = await logger().group(title, fn);
      this.timings.push({ name, seconds: (Date.now() - started) / 1000, ok: true });
      return r;
    } catch (err) {
      this.timings.push({ name, seconds: (Date.now() - started) / 1000, ok: false });
      if (inActions()) saveState('failedPhase', name);
      throw err;
    } finally {
      clearInterval(heartbeat);
    }
  }

  table(): string {
    return this.timings
      .map((t) => `${t.name.padEnd(10)} ${t.seconds.toFixed(1).padStart(7)} s${t.ok ? '' : '  FAILED'}`)
      .join('\n');
  }
}
