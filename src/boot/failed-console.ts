// A failed boot's console is what explains it, but it was written to the stage folder, which
// is discarded with everything else a failed build made. So it is kept in the work folder's
// logs/ (which the diagnostics bundle collects, secrets masked) and its last lines are printed
// where the failure is read: the job's log, a terminal, a test's output.
import { copyFile, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { logger } from '../runtime/log.js';
import { plainConsole } from './console-text.js';

/** Copies the console log into logsDir, prints its last lines, and returns the kept path. */
export async function keepFailedConsole(consoleLog: string, logsDir: string, lines = 20): Promise<string> {
  const kept = join(logsDir, basename(consoleLog));
  const text = await readFile(consoleLog, 'utf8').catch(() => '');
  await copyFile(consoleLog, kept).catch(() => undefined);
  const tail = plainConsole(text)
    .split('\n')
    .filter((l) => l.trim())
    .slice(-lines);
  if (tail.length) logger().info(`The console's last ${tail.length} lines:\n${tail.join('\n')}`);
  return kept;
}
