import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

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
  ARCH_INFO,
  kernelArchName,
  userlandName
};
