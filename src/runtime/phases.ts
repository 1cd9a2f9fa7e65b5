// Named, timed phases: a log group each, start and duration for the summary and the bench
// (phases that ran side by side overlap), and which one failed.
import { heartbeat, inActions, logger } from './log.js';

export interface PhaseTiming {
  name: string;
  /** Seconds from the first phase's start (the run's clock; a sudo child's phases are shifted onto it). */
  start: number;
  seconds: number;
  ok: boolean;
}

export class Phases {
  readonly timings: PhaseTiming[] = [];
  /** When the run started (epoch ms): every phase's start is measured from here. */
  readonly origin: number;

  constructor(origin = Date.now()) {
    this.origin = origin;
  }

  async run<T>(name: string, title: string, fn: () => Promise<T>): Promise<T> {
    const started = Date.now();
    // A heartbeat, so a long emulated step never looks stuck.
    const tty = !inActions() && process.stderr.isTTY;
    const beat = setInterval(
      () => heartbeat(name, Math.round((Date.now() - started) / 1000), started),
      tty ? 1000 : 30_000,
    );
    beat.unref();
    try {
      const r = await logger().group(title, fn);
      this.timings.push(this.timing(name, started, true));
      return r;
    } catch (err) {
      this.timings.push(this.timing(name, started, false));
      throw err;
    } finally {
      clearInterval(beat);
    }
  }

  private timing(name: string, started: number, ok: boolean): PhaseTiming {
    return { name, start: (started - this.origin) / 1000, seconds: (Date.now() - started) / 1000, ok };
  }

  /** The first phase that failed, if any. */
  failed(): PhaseTiming | undefined {
    return this.timings.find((t) => !t.ok);
  }

  table(): string {
    return this.timings
      .map((t) => `${t.name.padEnd(10)} ${t.seconds.toFixed(1).padStart(7)} s${t.ok ? '' : '  FAILED'}`)
      .join('\n');
  }
}
