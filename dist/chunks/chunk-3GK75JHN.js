import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/boot/console-text.ts
var CSI = /\x1b\[[0-9;?]*(…[0-9;]*)?[@-~]/g;
var ESCAPE = /\x1b[@-Z\\-_]/g;
var CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;
function plainConsole(text) {
  return text.replace(CSI, (_, cut) => cut ? "\u2026" : "").replace(ESCAPE, "").replace(/\r\n?/g, "\n").replace(CONTROL, "");
}
function consoleProgress(line, width = 120) {
  const shown = plainConsole(line).split("\n").map((l) => l.trim()).filter(Boolean);
  return (shown.at(-1) ?? "").slice(0, width);
}
var INSERTED = /(?<=[^\n])\[ *\d+\.\d{6}\] [^\n]*\n/g;
var withoutInsertions = (text) => text.replace(INSERTED, "");
function bootMarks(text) {
  const whole = withoutInsertions(text);
  return {
    login: /(\S+ login:)(?: |$)/m.exec(whole)?.[1],
    firstboot: /rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/.exec(whole)?.[0]
  };
}

export {
  plainConsole,
  consoleProgress,
  bootMarks
};
