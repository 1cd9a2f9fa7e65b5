import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  which
} from "./chunk-J4TNNZG7.js";
import {
  exec
} from "./chunk-4Z53H52X.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/image/compress.ts
import { stat } from "node:fs/promises";
var EXTENSIONS = { xz: ".xz", zstd: ".zst", gzip: ".gz", none: "" };
var COMMANDS = {
  // -1: measured 2.4x faster than -3 on a default image for 8% more bytes.
  xz: ["xz", ["-T0", "-1", "--keep", "--force", "--verbose"]],
  zstd: ["zstd", ["-T0", "-10", "--long=27", "--keep", "--force", "--sparse"]],
  gzip: ["gzip", ["-6", "--keep", "--force"]]
};
async function command(how) {
  if (how === "gzip" && await which("pigz")) return ["pigz", COMMANDS.gzip[1]];
  return COMMANDS[how];
}
async function compressImage(image, how, logFile) {
  if (how === "none") return image;
  const [cmd, args] = await command(how);
  const out = `${image}${EXTENSIONS[how]}`;
  await exec(cmd, [...args, image], {
    ...logFile ? { logFile } : {},
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    }
  });
  await stat(out);
  return out;
}

export {
  compressImage
};
