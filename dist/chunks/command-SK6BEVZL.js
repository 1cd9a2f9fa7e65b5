import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  bootTest
} from "./chunk-JDGLN3NC.js";
import "./chunk-3GK75JHN.js";
import "./chunk-I2QPKFXT.js";
import {
  machineLabel
} from "./chunk-FCYPM6WI.js";
import "./chunk-ZA2QISKQ.js";
import "./chunk-MQB7SEVM.js";
import {
  InputError,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/boot/command.ts
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
var DECOMPRESS = {
  ".xz": ["xz", ["-dc", "-T0"]],
  ".zst": ["zstd", ["-dc"]],
  ".gz": ["gzip", ["-dc"]]
};
async function bootTestCommand(image, config) {
  const st = await stat(image).catch(() => void 0);
  if (!st?.isFile())
    throw new InputError(
      "IMAGE",
      `"${image}" is not a file`,
      "Give the path of an .img (or .img.xz, .img.zst, .img.gz)."
    );
  const arch = config.arch[0];
  const work = await mkdtemp(join(tmpdir(), "rpi-build-boot-"));
  try {
    let raw = image;
    const ext = Object.keys(DECOMPRESS).find((e) => image.endsWith(e));
    if (ext) {
      const [cmd, args] = DECOMPRESS[ext];
      raw = join(work, basename(image, ext));
      await logger().group(
        `Decompressing ${basename(image)}`,
        () => exec(cmd, [...args, image], { stdoutFile: raw })
      );
    }
    const consoleLog = join(process.cwd(), `${basename(raw, ".img")}.boot.log`);
    const r = await logger().group(
      `Boot test (${arch}) on ${machineLabel(arch, config.bootMachine)}`,
      () => bootTest({
        image: raw,
        arch,
        machine: config.bootMachine,
        workDir: work,
        consoleLog,
        timeoutSeconds: config.bootTimeout,
        // Any image: the first user's state is reported, not compared with a build's.
        guest: { scripts: config.testScript, timeoutSeconds: config.testTimeout, username: config.username }
      })
    );
    const line = `${r.passed ? "PASSED" : "FAILED"} after ${r.seconds.toFixed(0)} s: ${r.detail} (console log: ${consoleLog})`;
    if (r.passed) logger().info(line);
    else logger().error(line);
    return r.passed ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
export {
  bootTestCommand
};
