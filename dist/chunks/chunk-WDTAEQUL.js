import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  BINFMT_DIR,
  HANDLERS,
  WANTED_FLAGS,
  binfmtMounted,
  buildAsRoot,
  handlerCatches,
  hasFlags,
  listHandlers,
  readElf,
  registerLine,
  runDoctor,
  runTinyProgram
} from "./chunk-XJETIR46.js";
import {
  ARCH_INFO
} from "./chunk-6EFLWPV5.js";
import {
  cacheFromPackages,
  obtainTool,
  useToolCacheDir
} from "./chunk-DFJIRLE2.js";
import {
  checkWorkDir,
  defaultWorkDir
} from "./chunk-EQEZTI6V.js";
import {
  defaultCacheDir,
  knownSecrets,
  redact,
  saveState,
  selectStore
} from "./chunk-LMUW2J3D.js";
import {
  candidateVersion,
  installPackages,
  which
} from "./chunk-HNKHE42U.js";
import {
  exec,
  isRoot,
  privilegePrefix
} from "./chunk-7IY5XED5.js";
import {
  formatBytes,
  inActions,
  logger,
  summary
} from "./chunk-JEISQDF3.js";

// src/binfmt/register.ts
import { existsSync as existsSync2 } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join as join2 } from "node:path";

// src/tools/qemu-user.ts
import { existsSync } from "node:fs";
import { join } from "node:path";
var QEMU_TOOL = "qemu-user-static";
var QEMU_BINARIES = ["usr/bin/qemu-aarch64-static", "usr/bin/qemu-arm-static"];
async function qemuTool(opts) {
  return obtainTool(QEMU_TOOL, opts, async () => {
    const version = await candidateVersion(QEMU_TOOL);
    if (!version) {
      throw new Error(
        `No static QEMU user-mode emulator on this host and no ${QEMU_TOOL} in its package lists. Install ${QEMU_TOOL} (or your distribution's static qemu-user package).`
      );
    }
    logger().info(`fetching ${QEMU_TOOL} ${version} into the tool cache (apt-get download, not installed)`);
    return cacheFromPackages(QEMU_TOOL, [QEMU_TOOL], version, opts.scratch, void 0, QEMU_BINARIES);
  });
}
async function qemuFromToolCache(machine, opts) {
  const tool = await qemuTool(opts);
  const path = join(tool.dir, "usr", "bin", `qemu-${machine}-static`);
  if (!existsSync(path)) throw new Error(`the tool cache entry ${tool.dir} has no qemu-${machine}-static`);
  logger().info(`qemu-${machine}-static ${tool.version} from the ${tool.source}: ${path}`);
  return path;
}

// src/binfmt/register.ts
async function writeControl(path, text) {
  if (isRoot()) {
    await writeFile(path, text);
    return;
  }
  await exec("tee", [path], { input: text, privileged: `writing ${path}` });
}
async function ensureBinfmtMounted() {
  if (await binfmtMounted()) return false;
  logger().info(`Mounting binfmt_misc at ${BINFMT_DIR}`);
  await exec("mount", ["-t", "binfmt_misc", "binfmt_misc", BINFMT_DIR], {
    privileged: "mounting binfmt_misc"
  });
  return true;
}
async function findInterpreter(machine, tools) {
  const candidates = [`qemu-${machine}-static`, `qemu-${machine}`];
  const look = async () => {
    for (const c of candidates) {
      const p = await which(c);
      if (!p) continue;
      const elf = await readElf(p);
      if (elf && !elf.dynamic) return p;
    }
    return void 0;
  };
  let found = await look();
  if (!found && tools) found = await qemuFromToolCache(machine, tools);
  if (!found) {
    await installPackages(["qemu-user-static"], `a static qemu-${machine} for emulation`);
    found = await look();
  }
  if (!found) {
    throw new Error(
      `No statically linked qemu-${machine}-static found after installing qemu-user-static. Install a static QEMU user-mode emulator for ${machine}.`
    );
  }
  return found;
}
async function handlerIsGood(h) {
  if (!h.enabled || !hasFlags(h, "F")) return false;
  if (!h.interpreter) return false;
  if (existsSync2(h.interpreter)) {
    const elf = await readElf(h.interpreter);
    if (!elf || elf.dynamic) return false;
  }
  return true;
}
async function ensureMachine(machine, arches, native, tools) {
  const log = logger();
  if (native) {
    log.info(`${machine}: runs natively on this CPU; no emulation registered`);
    return { machine, arches, action: "native", removed: [] };
  }
  const spec = HANDLERS[machine];
  const catching = (await listHandlers()).filter((h) => handlerCatches(h, machine) || h.name === spec.name);
  const good = [];
  const bad = [];
  for (const h of catching) (await handlerIsGood(h) ? good : bad).push(h);
  if (bad.length === 0 && good.length > 0) {
    const ok = await runTinyProgram(machine, false);
    if (ok.ran) {
      log.info(
        `${machine}: ${good.map((h) => h.name).join(", ")} already registered with flags ${good[0].flags}; left as is`
      );
      return {
        machine,
        arches,
        action: "kept",
        handler: good[0].name,
        interpreter: good[0].interpreter,
        removed: []
      };
    }
    bad.push(...good.splice(0));
  }
  const removed = [];
  for (const h of bad) {
    log.info(
      `${machine}: removing broken handler ${h.name} (flags "${h.flags}", interpreter ${h.interpreter ?? "none"})`
    );
    await writeControl(join2(BINFMT_DIR, h.name), "-1");
    removed.push(h.name);
  }
  let action = removed.length > 0 ? "replaced" : "registered";
  let handler = spec.name;
  let interpreter;
  if (good.length > 0) {
    action = "kept";
    handler = good[0].name;
    interpreter = good[0].interpreter;
  } else {
    interpreter = await findInterpreter(machine, tools);
    await writeControl(join2(BINFMT_DIR, "register"), registerLine(spec, interpreter));
    log.info(`${machine}: registered ${spec.name} -> ${interpreter} with flags ${WANTED_FLAGS}`);
  }
  const proof = await runTinyProgram(machine, false);
  if (!proof.ran) {
    throw new Error(
      `The ${spec.name} handler is registered but a test ${machine} program still does not run (${proof.error}). Run \`rpi-build doctor\` for the host's diagnosis.`
    );
  }
  return { machine, arches, action, handler, interpreter, removed };
}
async function ensureEmulation(arches, tools) {
  const byMachine = /* @__PURE__ */ new Map();
  for (const a of arches) {
    const m = ARCH_INFO[a].qemu;
    byMachine.set(m, [...byMachine.get(m) ?? [], a]);
  }
  const native = /* @__PURE__ */ new Map();
  for (const m of byMachine.keys()) native.set(m, (await runTinyProgram(m, true)).ran);
  if ([...native.values()].some((n) => !n)) {
    await ensureBinfmtMounted();
    const status = join2(BINFMT_DIR, "status");
    if (existsSync2(status) && (await readFile(status, "utf8")).trim() === "disabled")
      await writeControl(status, "1");
  }
  const results = [];
  for (const [m, a] of byMachine) results.push(await ensureMachine(m, a, native.get(m), tools));
  const nativeArches = results.filter((r) => r.action === "native").flatMap((r) => r.arches);
  const emulated = results.filter((r) => r.action !== "native").flatMap((r) => r.arches);
  const host = process.arch === "x64" ? "linux/amd64" : process.arch === "arm64" ? "linux/arm64" : `linux/${process.arch}`;
  const platforms = [host, ...[...nativeArches, ...emulated].map((a) => ARCH_INFO[a].platform)];
  return { results, platforms: [...new Set(platforms)], native: nativeArches, emulated };
}

// src/pipeline.ts
import { tmpdir } from "node:os";
import { join as join3, resolve } from "node:path";
async function setUpEmulation(config, report) {
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  const tools = {
    ...config.cache ? { store: selectStore(config) } : {},
    readOnly: config.cacheReadOnly,
    pending: [],
    scratch: join3(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-tools")
  };
  const r = await logger().group("QEMU emulation", () => ensureEmulation(config.arch, tools));
  if (tools.pending.length && inActions()) saveState("toolSaves", tools.pending);
  if (report) report.emulation = { native: r.native, emulated: r.emulated };
  return { platforms: r.platforms.join(","), native: r.native.join(","), emulated: r.emulated.join(",") };
}
async function publish(config, report) {
  if (!inActions() || !config.upload) return {};
  const { ActionsArtifacts } = await import("./artifact-B5BDVI4K.js");
  if (!ActionsArtifacts.available()) {
    logger().warn(
      "No artifact service on this runner (ACTIONS_RUNTIME_TOKEN missing); the files stay in out-dir."
    );
    return {};
  }
  const files = JSON.parse(report.facts.files ?? "[]");
  if (files.length === 0) return {};
  const { artifactName, uploadFiles } = await import("./artifact-B5BDVI4K.js");
  const up = await uploadFiles(artifactName(config), files, {
    compressed: config.compression !== "none",
    ...config.retentionDays ? { retentionDays: config.retentionDays } : {}
  });
  report.facts["artifact-url"] = up.url;
  return { "artifact-id": String(up.id), "artifact-url": up.url, "artifact-name": up.name };
}
async function runPipeline(config, report) {
  if (config.target === "image") await privilegePrefix("building an image");
  if (config.target !== "qemu") await checkWorkDir(resolve(config.workDir ?? defaultWorkDir()));
  const log = logger();
  const doctor = await log.group("Host doctor", async () => {
    const d = await runDoctor(config);
    for (const p of d.problems) {
      const line = `[${p.id}] ${p.diagnosis} Fix: ${p.fix}`;
      if (p.severity === "info") log.info(line);
      else log.warn(line);
    }
    return d;
  });
  report.host = {
    machine: doctor.host.machine,
    kernel: doctor.host.kernelRelease,
    userland: doctor.host.userland.arch,
    problems: doctor.problems
  };
  const diskProblem = doctor.problems.find((p) => p.id === "low-disk");
  if (diskProblem) throw new Error(`${diskProblem.diagnosis} ${diskProblem.fix}`);
  const outputs = config.target === "kernel" ? {} : { ...await setUpEmulation(config, report) };
  switch (config.target) {
    case "qemu":
      return { outputs };
    case "image": {
      let built;
      if (!isRoot()) built = await buildAsRoot(config, report);
      else {
        const { buildImage } = await import("./image-GPVUNSLX.js");
        built = await buildImage(config, report);
      }
      return { outputs: { ...outputs, ...built, ...await publish(config, report) } };
    }
    case "kernel": {
      const { buildKernel } = await import("./kernel-LV7KAQKG.js");
      const built = await buildKernel(config, report);
      return { outputs: { ...outputs, ...built, ...await publish(config, report) } };
    }
  }
}

// src/publish/summary.ts
var FACT_LABELS = {
  "image-path": "Image",
  "image-size": "Compressed size",
  "image-sha256": "SHA-256",
  "kernel-release": "Kernel",
  "package-count": "Packages",
  "boot-test": "Boot test",
  account: "First user",
  "artifact-url": "Artifact"
};
function factValue(key, value) {
  if (key === "image-size") return formatBytes(Number(value));
  if (key === "account" && value === "locked") return "locked (no password and no SSH key given)";
  return value;
}
function summaryMarkdown(r) {
  const lines = [];
  const ok = r.outcome === "success";
  lines.push(
    `## rpi-build: ${r.target} ${r.arch.join(",")} ${r.target === "image" ? r.suite : ""} ${ok ? "\u2705 succeeded" : "\u274C failed"}`.replace(
      / +/g,
      " "
    )
  );
  if (!ok && r.error) {
    const failed = r.phases.timings.find((p) => !p.ok);
    lines.push(
      "",
      `**Failed${failed ? ` in phase \`${failed.name}\`` : ""}:**`,
      "",
      "```",
      r.error.split("\n").slice(-25).join("\n"),
      "```"
    );
  }
  if (r.host) {
    lines.push("", "### Host", "", "| | |", "| --- | --- |");
    lines.push(`| machine | ${r.host.machine} (kernel ${r.host.kernel}), userland ${r.host.userland} |`);
    if (r.emulation)
      lines.push(
        `| emulated | ${r.emulation.emulated.join(", ") || "nothing"} |`,
        `| native | ${r.emulation.native.join(", ") || "nothing"} |`
      );
    for (const p of r.host.problems) lines.push(`| ${p.severity}: ${p.id} | ${p.diagnosis} Fix: ${p.fix} |`);
  }
  if (r.phases.timings.length) {
    lines.push("", "### Phases", "", "| phase | seconds | result |", "| --- | ---: | --- |");
    for (const p of r.phases.timings)
      lines.push(`| ${p.name} | ${p.seconds.toFixed(1)} | ${p.ok ? "ok" : "failed"} |`);
  }
  if (r.caches.length) {
    lines.push("", "### Caches", "", "| cache | result | key | size |", "| --- | --- | --- | ---: |");
    for (const c of r.caches)
      lines.push(`| ${c.name} | ${c.status} | \`${c.key ?? "-"}\` | ${c.size ? formatBytes(c.size) : "-"} |`);
  }
  const facts = Object.entries(r.facts).filter(([k]) => FACT_LABELS[k]);
  if (facts.length) {
    lines.push("", "### Result", "", "| | |", "| --- | --- |");
    for (const [k, v] of facts) lines.push(`| ${FACT_LABELS[k]} | ${factValue(k, v)} |`);
  }
  return `${lines.join("\n")}
`;
}
async function writeJobSummary(r, secrets = []) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  await summary.addRaw(redact(summaryMarkdown(r), [...secrets, ...knownSecrets()])).write();
}
function summaryText(r) {
  const rows = [
    ...r.phases.timings.map(
      (p) => `  ${p.name.padEnd(12)} ${p.seconds.toFixed(1).padStart(7)} s${p.ok ? "" : "  FAILED"}`
    ),
    ...r.caches.map((c) => `  cache ${c.name}: ${c.status}${c.key ? ` (${c.key})` : ""}`),
    ...Object.entries(r.facts).filter(([k]) => FACT_LABELS[k]).map(([k, v]) => `  ${FACT_LABELS[k].padEnd(16)} ${factValue(k, v)}`)
  ];
  return rows.length ? `Summary:
${rows.join("\n")}` : "";
}

export {
  setUpEmulation,
  runPipeline,
  writeJobSummary,
  summaryText
};
