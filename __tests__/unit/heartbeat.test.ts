// The phase heartbeat names what the step last said: a step that prints nothing for minutes
// (localedef under emulation, packing a cache) shows its name beside the time, not the time alone.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { heartbeat, logger, setLogger, type Logger } from '../../src/runtime/log.js';
import { Phases } from '../../src/runtime/phases.js';

function capture(): { lines: string[]; log: Logger } {
  const lines: string[] = [];
  const log: Logger = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    debug: () => undefined,
    group: (_t, fn) => fn(),
    secret: () => undefined,
    progress: (m) => lines.push(m),
  };
  return { lines, log };
}

describe('phase heartbeat', () => {
  afterEach(() => vi.useRealTimers());

  it("repeats the step's last words with the time, without the phase's prefix twice", () => {
    const { lines, log } = capture();
    setLogger(log);
    const started = Date.now();
    logger().progress('rootfs: configuring libc6 (3 of 69)');
    heartbeat('rootfs', 75, started);
    logger().progress('locale: generating en_US.UTF-8 (localedef)');
    heartbeat('rootfs', 845, started);
    heartbeat('rootfs', 846, started);
    expect(lines).toEqual([
      'rootfs: configuring libc6 (3 of 69)',
      'rootfs: 1m15s, configuring libc6 (3 of 69)',
      'locale: generating en_US.UTF-8 (localedef)',
      // The heartbeat is not a step: the next beat still names localedef.
      'rootfs: 14m05s, locale: generating en_US.UTF-8 (localedef)',
      'rootfs: 14m06s, locale: generating en_US.UTF-8 (localedef)',
    ]);
  });

  it("never repeats an earlier phase's step", async () => {
    const { lines, log } = capture();
    setLogger(log);
    logger().progress('apt: Reading package lists');
    vi.useFakeTimers({ now: Date.now() + 1000 });
    const phases = new Phases();
    await phases.run('compress', 'Compress', async () => {
      await vi.advanceTimersByTimeAsync(30_000);
    });
    expect(lines.at(-1)).toBe('compress: 0m30s');
  });
});
