import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/boot/machines.ts
import { availableParallelism } from "node:os";
var PI_ZERO_CLOCK = ["-icount", "shift=auto"];
var PI_BOARD = {
  arm64: {
    machine: "raspi3b",
    dtb: "bcm2837-rpi-3-b.dtb",
    forkDtb: "bcm2710-rpi-3-b.dtb",
    label: "Pi 3B",
    cores: 4
  },
  armhf: {
    machine: "raspi2b",
    dtb: "bcm2836-rpi-2-b.dtb",
    forkDtb: "bcm2709-rpi-2-b.dtb",
    label: "Pi 2B",
    cores: 4,
    qemuThreads: true
  },
  armel: {
    machine: "raspi0",
    dtb: "bcm2835-rpi-zero.dtb",
    forkDtb: "bcm2708-rpi-zero.dtb",
    label: "Pi Zero",
    cores: 1,
    extra: PI_ZERO_CLOCK
  }
};
function machineLabel(arch, machine) {
  return machine === "pi" ? `${PI_BOARD[arch].machine} (${PI_BOARD[arch].label})` : "virt";
}
function machineProblem(arch, machine) {
  if (machine === "virt" && arch === "armel")
    return "armel (ARMv6, the Pi Zero/1) cannot boot on virt: virt needs an ARMv7 or later CPU, and Debian's linux-image-rpi has no virtio drivers; use boot-machine pi (QEMU's raspi0)";
  return void 0;
}
var nextPowerOfTwo = (n) => 2 ** Math.ceil(Math.log2(n));
function withoutPowerManagement(dtb) {
  const out = Buffer.from(dtb);
  for (const name of ["brcm,bcm2835-pm\0", "brcm,bcm2835-pm-wdt\0"]) {
    const from = Buffer.from(name, "latin1");
    const to = Buffer.from(name.replace("brcm,bcm2835-pm", "rpi-build,no-pm"), "latin1");
    for (let at = out.indexOf(from); at >= 0; at = out.indexOf(from, at + to.length)) to.copy(out, at);
  }
  return out;
}
var FDT_MAGIC = 3490578157;
var FDT_BEGIN_NODE = 1;
var FDT_END_NODE = 2;
var FDT_PROP = 3;
var FDT_NOP = 4;
var FDT_END = 9;
var align4 = (n) => n + 3 & ~3;
function nopProperties(dtb, node, props) {
  const out = Buffer.from(dtb);
  if (out.length < 40 || out.readUInt32BE(0) !== FDT_MAGIC)
    throw new Error("not a flattened device tree (bad magic)");
  const strings = out.readUInt32BE(12);
  const propName = (off) => out.toString("latin1", strings + off, out.indexOf(0, strings + off));
  const path = [];
  let removed = 0;
  for (let p = out.readUInt32BE(8); ; ) {
    const token = out.readUInt32BE(p);
    if (token === FDT_BEGIN_NODE) {
      const end = out.indexOf(0, p + 4);
      path.push(out.toString("latin1", p + 4, end));
      p = align4(end + 1);
    } else if (token === FDT_END_NODE) {
      path.pop();
      p += 4;
    } else if (token === FDT_PROP) {
      const next = align4(p + 12 + out.readUInt32BE(p + 4));
      if (path.at(-1) === node && props.includes(propName(out.readUInt32BE(p + 8)))) {
        for (let q = p; q < next; q += 4) out.writeUInt32BE(FDT_NOP, q);
        removed++;
      }
      p = next;
    } else if (token === FDT_NOP) p += 4;
    else if (token === FDT_END) break;
    else throw new Error(`device tree: unknown token ${token} at offset ${p}`);
  }
  return { dtb: out, removed };
}
var SDHOST_NODE = "mmc@7e202000";
function withoutSdhostDma(dtb) {
  return nopProperties(dtb, SDHOST_NODE, ["dmas", "dma-names"]).dtb;
}
var VCHIQ_NODE = "mailbox@7e00b840";
function withoutVchiq(dtb) {
  return nopProperties(dtb, VCHIQ_NODE, ["compatible"]).dtb;
}
var patchedPiDtb = (dtb) => withoutVchiq(withoutSdhostDma(withoutPowerManagement(dtb)));
function piSerialArgs(cmdline) {
  const consoles = [...cmdline.matchAll(/(?:^|\s)console=(tty[A-Za-z]+)\d*/g)].map((m) => m[1]);
  const last = consoles.filter((c) => c !== "tty").pop();
  return last === "ttyS" ? ["-serial", "null", "-serial", "stdio"] : ["-serial", "stdio"];
}
var EMULATED_SLACK = "systemd.default_device_timeout_sec=900 systemd.default_timeout_start_sec=900";
var VIRT_IMAGE_CMDLINE = `console=ttyAMA0 root=LABEL=RASPIROOT rw rootwait panic=-1 net.ifnames=0 ${EMULATED_SLACK}`;
var QUIET = ["-display", "none", "-monitor", "none", "-no-reboot"];
var VIRT_CORES = 2;
function tcgThreads(guestCores, hostCores = availableParallelism()) {
  if (guestCores <= 1) return [];
  return ["-accel", `tcg,thread=${hostCores > guestCores ? "multi" : "single"}`];
}
function machineArgs(arch, machine, f) {
  const boot = ["-kernel", f.kernel, ...f.initrd ? ["-initrd", f.initrd] : []];
  if (machine === "pi") {
    if (!f.dtb || f.cmdline === void 0)
      throw new Error("the Pi board needs the device tree and cmdline.txt");
    return [
      "-M",
      PI_BOARD[arch].machine,
      ...PI_BOARD[arch].qemuThreads ? [] : tcgThreads(PI_BOARD[arch].cores),
      ...PI_BOARD[arch].extra ?? [],
      ...QUIET,
      ...piSerialArgs(f.cmdline),
      ...boot,
      "-dtb",
      f.dtb,
      "-append",
      f.cmdline,
      ...f.disk ? ["-drive", `if=sd,format=raw,file=${f.disk}`] : []
    ];
  }
  return [
    "-M",
    // Debian's armmp kernel has no LPAE: keep virt's PCI window below 4 GiB or it finds no disk.
    arch === "arm64" ? "virt" : "virt,highmem=off",
    "-cpu",
    arch === "arm64" ? "cortex-a72" : "cortex-a15",
    "-m",
    "1024",
    "-smp",
    String(VIRT_CORES),
    ...tcgThreads(VIRT_CORES),
    ...QUIET,
    "-serial",
    "stdio",
    ...boot,
    "-append",
    f.cmdline ?? VIRT_IMAGE_CMDLINE,
    ...f.disk ? ["-drive", `if=none,id=disk,file=${f.disk},format=raw`, "-device", "virtio-blk-pci,drive=disk"] : [],
    "-nic",
    "none"
  ];
}

// src/host/arch.ts
var ARCH_INFO = {
  arm64: {
    arch: "arm64",
    qemu: "aarch64",
    elf: "aarch64",
    platform: "linux/arm64",
    qemuSystem: "qemu-system-aarch64"
  },
  armhf: { arch: "armhf", qemu: "arm", elf: "arm", platform: "linux/arm/v7", qemuSystem: "qemu-system-arm" },
  armel: { arch: "armel", qemu: "arm", elf: "arm", platform: "linux/arm/v5", qemuSystem: "qemu-system-arm" }
};
function kernelArchName(machine) {
  if (machine === "aarch64" || machine === "arm64") return "arm64";
  if (machine === "x86_64") return "amd64";
  if (machine.startsWith("armv")) return "arm";
  if (/^i[3-6]86$/.test(machine)) return "i386";
  return machine;
}
function userlandName(bits, machine) {
  if (machine === "aarch64") return "arm64";
  if (machine === "arm") return "armhf";
  if (machine === "x86_64") return "amd64";
  if (machine === "i386") return "i386";
  return `${machine}/${bits}`;
}

export {
  PI_BOARD,
  machineLabel,
  machineProblem,
  nextPowerOfTwo,
  patchedPiDtb,
  EMULATED_SLACK,
  machineArgs,
  ARCH_INFO,
  kernelArchName,
  userlandName
};
