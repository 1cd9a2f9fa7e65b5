import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  BOARDS
} from "./chunk-WKCL3XOP.js";
import {
  readHead
} from "./chunk-G4YZ52AF.js";
import {
  InputError,
  exec
} from "./chunk-ICWOZ6BD.js";

// src/kernel/build-folder.ts
import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
var FIRMWARE_ARCH = new Map(
  Object.values(BOARDS).map((b) => [b.firmwareName, b.arch])
);
var INPUT = "kernel-dir";
var WHAT = "Give the out folder of a kernel build (rpi-build kernel's out-dir, its kernel-path output, or its artifact downloaded): boot/kernel*.img, config-<release>, modules-<release>.tar.gz.";
function kernelFormat(head) {
  if (head.length >= 60 && head.subarray(56, 60).toString("latin1") === "ARMd") return "arm64";
  if (head.length >= 40 && head.readUInt32LE(36) === 24061976) return "arm";
  return void 0;
}
var entries = (dir) => readdir(dir).catch(() => []);
async function readKernelBuild(dir, arch) {
  const st = await stat(dir).catch(() => void 0);
  if (!st?.isDirectory())
    throw new InputError(INPUT, `"${dir}" ${st ? "is not a folder" : "does not exist"}`, WHAT);
  const boot = join(dir, "boot");
  const bootNames = await entries(boot);
  const kernels = bootNames.filter((n) => FIRMWARE_ARCH.has(n)).sort();
  if (kernels.length === 0) {
    const debs = (await entries(dir)).filter((n) => /^linux-image-.+\.deb$/.test(n));
    if (debs.length)
      throw new InputError(
        INPUT,
        `"${dir}" holds ${debs.join(", ")} but no boot/kernel*.img: the packages without the rest of the kernel build's out folder`,
        "Give the whole out folder the kernel build wrote with kernel-debs: true (its boot/ and modules tarball are the kernel the packages hold), or put the packages in an overlay and install them with dpkg -i in a customize script."
      );
    throw new InputError(
      INPUT,
      `"${dir}" holds no boot/kernel*.img: it is not a kernel build's out folder`,
      WHAT
    );
  }
  if (kernels.length > 1)
    throw new InputError(
      INPUT,
      `"${dir}" holds ${kernels.map((k) => `boot/${k}`).join(" and ")}: the builds of more than one board`,
      "Give the out folder of one kernel build (one board)."
    );
  const firmwareName = kernels[0];
  const kernel = join(boot, firmwareName);
  const kernelArch = FIRMWARE_ARCH.get(firmwareName);
  const format = kernelFormat(await readHead(kernel, 64));
  const expected = kernelArch === "arm64" ? "arm64" : "arm";
  if (format !== expected)
    throw new InputError(
      INPUT,
      `boot/${firmwareName} in "${dir}" is not ${expected === "arm64" ? "an arm64 Image" : "an ARM zImage"} (${format ? `it is an ${format} kernel` : "no kernel header"})`,
      WHAT
    );
  if (kernelArch !== arch)
    throw new InputError(
      INPUT,
      `"${dir}" holds ${firmwareName}, a kernel for ${kernelArch} images, but arch is ${arch}`,
      `Use arch ${kernelArch}, or build the kernel for ${arch} (board ${Object.entries(BOARDS).filter(([, b]) => b.arch === arch).map(([name]) => name).join(" or ")}).`
    );
  const names = await entries(dir);
  const configs = names.filter((n) => n.startsWith("config-")).sort();
  if (configs.length !== 1)
    throw new InputError(
      INPUT,
      configs.length ? `"${dir}" holds ${configs.join(" and ")}: more than one kernel release` : `"${dir}" has no config-<release> (the kernel's .config, which names its release)`,
      WHAT
    );
  const release = configs[0].slice("config-".length);
  const config = join(dir, configs[0]);
  const modulesFile = `modules-${release}.tar.gz`;
  let modules;
  if (/^CONFIG_MODULES=y$/m.test(await readFile(config, "utf8"))) {
    if (!names.includes(modulesFile))
      throw new InputError(
        INPUT,
        `the modules of release ${release} are missing: "${dir}" has no ${modulesFile}, and its config builds modules`,
        "Give the whole out folder of the kernel build (with its modules tarball)."
      );
    modules = join(dir, modulesFile);
    await checkModulesTarball(modules, release);
  }
  const systemMap = names.includes(`System.map-${release}`) ? join(dir, `System.map-${release}`) : void 0;
  return {
    release,
    arch,
    kernel,
    firmwareName,
    dtbs: bootNames.filter((n) => n.endsWith(".dtb")).sort().map((n) => join(boot, n)),
    overlays: (await entries(join(boot, "overlays"))).sort().map((n) => join(boot, "overlays", n)),
    config,
    ...systemMap ? { systemMap } : {},
    ...modules ? { modules } : {}
  };
}
async function checkModulesTarball(tarball, release) {
  const listed = await exec("tar", ["--list", "--gzip", "--file", tarball]).catch((err) => {
    throw new InputError(
      INPUT,
      `${tarball} cannot be read as a .tar.gz (${err.message.split("\n")[0]})`,
      "Give the modules tarball the kernel build wrote."
    );
  });
  const inside = `lib/modules/${release}/`;
  const stray = listed.stdout.split("\n").filter(Boolean).map((m) => m.replace(/^\.\//, "")).find((m) => !(m === "lib/" || m === "lib/modules/" || m.startsWith(inside) || `${m}/` === inside));
  if (stray !== void 0)
    throw new InputError(
      INPUT,
      `${tarball} holds "${stray}", outside lib/modules/${release}/`,
      "Give the modules tarball the kernel build wrote (only lib/modules/<release>/ inside)."
    );
}

// src/config/kernel.ts
import { stat as stat2 } from "node:fs/promises";
var isFragmentLine = (item) => /^CONFIG_[A-Za-z0-9_]+=/.test(item);
function applyBoard(config, archGiven) {
  if (config.target !== "kernel" || !config.board) return;
  const preset = BOARDS[config.board];
  const arch = config.arch[0];
  const karch = arch === "arm64" ? "arm64" : "arm";
  if (!archGiven) config.arch = [preset.arch];
  else if (karch !== preset.karch) {
    throw new InputError(
      "board",
      `${config.board} (${preset.description}) is built with ARCH=${preset.karch}, but arch is ${arch}`,
      `Drop arch, or use arch ${preset.arch} with board ${config.board}.`
    );
  }
}
async function checkKernelPaths(config) {
  if (config.target !== "kernel") return;
  if (config.kernelPath !== void 0 && !await stat2(config.kernelPath).catch(() => void 0)) {
    throw new InputError(
      "kernel-path",
      `"${config.kernelPath}" does not exist`,
      "Give a kernel source folder or a .tar.xz/.tar.gz source tarball, or drop kernel-path to clone kernel-source."
    );
  }
  for (const item of config.kernelConfig) {
    if (isFragmentLine(item)) continue;
    if (!(await stat2(item).catch(() => void 0))?.isFile())
      throw new InputError(
        "kernel-config",
        `"${item}" is neither a CONFIG_NAME=value line nor a fragment file`,
        "Give fragment files (lines like CONFIG_FOO=y) or the CONFIG_NAME=value lines themselves."
      );
  }
}
async function checkKernelDir(config) {
  if (config.kernelDir === void 0) return;
  if (config.target !== "image" || config.builder !== "debian")
    throw new InputError(
      "kernel-dir",
      `installs a kernel into the Debian image; it does nothing for ${config.target === "image" ? `builder ${config.builder}` : `target ${config.target}`}`,
      "Drop kernel-dir, or use it with target image and builder debian."
    );
  await readKernelBuild(config.kernelDir, config.arch[0]);
}

export {
  readKernelBuild,
  isFragmentLine,
  applyBoard,
  checkKernelPaths,
  checkKernelDir
};
