import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ARCH_INFO
} from "./chunk-6EFLWPV5.js";
import {
  installPackages,
  which
} from "./chunk-HNKHE42U.js";
import {
  exec
} from "./chunk-7IY5XED5.js";
import {
  logger
} from "./chunk-JEISQDF3.js";

// src/boot/qemu.ts
import { mkdir, open, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createWriteStream } from "node:fs";
var EXTRA_DISK = 1024 * 1024 * 1024;
async function partitionOffsets(image) {
  const fh = await open(image, "r");
  try {
    const mbr = Buffer.alloc(512);
    await fh.read(mbr, 0, 512, 0);
    if (mbr.readUInt16LE(510) !== 43605) throw new Error(`${image} has no DOS partition table`);
    const parts = [];
    for (let i = 0; i < 4; i++) {
      const e = 446 + i * 16;
      const type = mbr[e + 4];
      if (type === 0) continue;
      parts.push({ type, start: mbr.readUInt32LE(e + 8) * 512, size: mbr.readUInt32LE(e + 12) * 512 });
    }
    return parts;
  } finally {
    await fh.close();
  }
}
async function readFromFat(image, offset, name, dest) {
  await exec("mcopy", ["-n", "-o", "-i", `${image}@@${offset}`, `::${name}`, dest], {
    env: { MTOOLS_SKIP_CHECK: "1" }
  });
}
function bootFilesFromConfig(configTxt) {
  let kernel;
  let initramfs;
  for (const raw of configTxt.split("\n")) {
    const line = raw.trim();
    const k = /^kernel=(\S+)/.exec(line);
    if (k) kernel = k[1];
    const i = /^initramfs\s+(\S+)/.exec(line);
    if (i) initramfs = i[1];
  }
  if (!kernel) throw new Error("config.txt names no kernel= line");
  return initramfs ? { kernel, initramfs } : { kernel };
}
var RASPI0_DTB = "bcm2835-rpi-zero.dtb";
function withoutPowerManagement(dtb) {
  const out = Buffer.from(dtb);
  for (const name of ["brcm,bcm2835-pm\0", "brcm,bcm2835-pm-wdt\0"]) {
    const from = Buffer.from(name, "latin1");
    const to = Buffer.from(name.replace("brcm,bcm2835-pm", "rpi-build,no-pm"), "latin1");
    for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + to.length)) to.copy(out, at);
  }
  return out;
}
var nextPowerOfTwo = (n) => 2 ** Math.ceil(Math.log2(n));
function raspi0Args(kernel, initrd, dtb, disk) {
  return [
    "-M",
    "raspi0",
    "-nographic",
    "-monitor",
    "none",
    "-no-reboot",
    "-kernel",
    kernel,
    ...initrd ? ["-initrd", initrd] : [],
    "-dtb",
    dtb,
    "-append",
    "console=ttyAMA0,115200 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0",
    "-drive",
    disk
  ];
}
function qemuArgs(arch, kernel, initrd, disk) {
  const common = [
    "-M",
    // Debian's armmp kernel has no LPAE: keep virt's PCI window below 4 GiB or it finds no disk.
    arch === "arm64" ? "virt" : "virt,highmem=off",
    "-m",
    "1024",
    "-smp",
    "2",
    "-accel",
    "tcg,thread=multi",
    "-nographic",
    "-monitor",
    "none",
    "-no-reboot",
    "-kernel",
    kernel,
    ...initrd ? ["-initrd", initrd] : [],
    "-append",
    "console=ttyAMA0 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0",
    "-drive",
    disk,
    "-device",
    "virtio-blk-pci,drive=disk",
    "-nic",
    "none"
  ];
  return arch === "arm64" ? ["-cpu", "cortex-a72", ...common] : ["-cpu", "cortex-a15", ...common];
}
async function bootTest(image, arch, workDir, consoleLog, timeoutSeconds) {
  const qemu = ARCH_INFO[arch].qemuSystem;
  if (!await which(qemu) || !await which("qemu-img"))
    await installPackages(["qemu-system-arm", "qemu-utils"], "the boot test");
  const dir = join(workDir, "boot-test");
  await mkdir(dir, { recursive: true });
  const parts = await partitionOffsets(image);
  const fat = parts.find((p) => p.type === 12 || p.type === 11 || p.type === 14);
  if (!fat) throw new Error(`${image} has no FAT boot partition`);
  await readFromFat(image, fat.start, "config.txt", join(dir, "config.txt"));
  const files = bootFilesFromConfig(await readFile(join(dir, "config.txt"), "utf8"));
  await readFromFat(image, fat.start, files.kernel, join(dir, "kernel"));
  if (files.initramfs) await readFromFat(image, fat.start, files.initramfs, join(dir, "initrd"));
  const raspi = arch === "armel";
  const dtb = join(dir, RASPI0_DTB);
  if (raspi) {
    await readFromFat(image, fat.start, RASPI0_DTB, dtb);
    await writeFile(dtb, withoutPowerManagement(await readFile(dtb)));
  }
  let disk = `if=none,id=disk,file=${image},format=raw,snapshot=on`;
  const qemuImg = await which("qemu-img");
  if (raspi && !qemuImg) throw new Error("the armel boot test needs qemu-img (qemu-utils)");
  if (qemuImg) {
    const overlay = join(dir, "overlay.qcow2");
    const grown = (await stat(image)).size + EXTRA_DISK;
    const size = raspi ? nextPowerOfTwo(grown) : grown;
    await exec("qemu-img", [
      "create",
      "-q",
      "-f",
      "qcow2",
      "-F",
      "raw",
      "-b",
      resolve(image),
      overlay,
      String(size)
    ]);
    disk = raspi ? `if=sd,file=${overlay},format=qcow2` : `if=none,id=disk,file=${overlay},format=qcow2`;
  }
  const kernel = join(dir, "kernel");
  const initrd = files.initramfs ? join(dir, "initrd") : void 0;
  const started = Date.now();
  const out = createWriteStream(consoleLog);
  out.on(
    "error",
    (err) => logger().warn(`cannot write the console log ${consoleLog} (${err.message}); the boot test goes on`)
  );
  let firstboot;
  let seen = "";
  let passed = false;
  let detail = `no login prompt within ${timeoutSeconds} s`;
  const stop = new AbortController();
  const r = await exec(
    qemu,
    raspi ? raspi0Args(kernel, initrd, dtb, disk) : qemuArgs(arch, kernel, initrd, disk),
    {
      allowFailure: true,
      timeoutMs: timeoutSeconds * 1e3,
      signal: stop.signal,
      onData: (text) => {
        out.write(text);
        if (stop.signal.aborted) return;
        seen = (seen + text).slice(-4096);
        firstboot ??= /rpi-build-firstboot: root filesystem \d+ MiB -> \d+ MiB/.exec(seen)?.[0];
        const login = /(\S+ login:) ?$/m.exec(seen);
        const panic = /Kernel panic - not syncing: .*/.exec(seen);
        if (login) {
          passed = true;
          detail = login[1];
        } else if (panic) detail = panic[0];
        if (login || panic) stop.abort();
      },
      onLine: (line) => logger().progress(`boot: ${line.slice(0, 120)}`)
    }
  );
  if (!passed && !stop.signal.aborted && r.exitCode !== 0 && r.signal === null) {
    detail = `${qemu} exited with code ${r.exitCode}: ${r.stderr.trim().split("\n").slice(-3).join(" ")}`;
  }
  out.end();
  return {
    passed,
    seconds: (Date.now() - started) / 1e3,
    consoleLog,
    detail,
    ...firstboot ? { firstboot } : {}
  };
}

export {
  bootTest
};
