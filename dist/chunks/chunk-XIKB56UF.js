import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  plainConsole
} from "./chunk-3GK75JHN.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/boot/failed-console.ts
import { copyFile, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
async function keepFailedConsole(consoleLog, logsDir, lines = 20) {
  const kept = join(logsDir, basename(consoleLog));
  const text = await readFile(consoleLog, "utf8").catch(() => "");
  await copyFile(consoleLog, kept).catch(() => void 0);
  const tail = plainConsole(text).split("\n").filter((l) => l.trim()).slice(-lines);
  if (tail.length) logger().info(`The console's last ${tail.length} lines:
${tail.join("\n")}`);
  return kept;
}

export {
  keepFailedConsole
};
