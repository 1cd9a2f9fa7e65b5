import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  BINFMT_DIR,
  CacheSession,
  HANDLERS,
  WANTED_FLAGS,
  binfmtMounted,
  buildAsRoot,
  defaultCacheDir,
  handlerCatches,
  hasFlags,
  listHandlers,
  registerLine,
  runDoctor,
  runTinyProgram,
  selectStore
} from "./chunk-TADEBJLL.js";
import {
  cacheFromPackages,
  obtainTool,
  useToolCacheDir
} from "./chunk-WWMXI5AG.js";
import {
  writeSha256Sums
} from "./chunk-MJZLRWWY.js";
import {
  ARCH_INFO
} from "./chunk-FCYPM6WI.js";
import {
  checkWorkDir,
  defaultWorkDir,
  freshDir,
  publishLocal
} from "./chunk-XEISMBYS.js";
import {
  readElf
} from "./chunk-M7MSI67S.js";
import {
  candidateVersion,
  installPackages
} from "./chunk-ZA2QISKQ.js";
import {
  filesBelow,
  knownSecrets,
  redact
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-MQB7SEVM.js";
import {
  exec,
  isRoot,
  privilegePrefix
} from "./chunk-ICWOZ6BD.js";
import {
  formatBytes,
  inActions,
  logger,
  summary
} from "./chunk-HN3MK2TO.js";

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

// src/builders/select.ts
async function builderFor(config) {
  if (config.target === "kernel") return (await import("./kernel-PX722VBF.js")).kernelBuilder;
  if (config.baseImage !== void 0) return (await import("./base-image-PPHA2DBI.js")).baseImageBuilder;
  if (config.builder === "pi-gen") return (await import("./build-ALFLG67F.js")).piGenBuilder;
  return (await import("./debian-N5SAGVFU.js")).debianBuilder;
}

// src/pipeline/finish.ts
import { stat, writeFile as writeFile2 } from "node:fs/promises";
import { basename, join as join3, relative, resolve } from "node:path";
async function expand(paths) {
  const out = [];
  for (const p of paths) out.push(...(await stat(p)).isDirectory() ? await filesBelow(p) : [p]);
  return out;
}
async function finishBuild(ctx, product, state) {
  const { config, caches, phases, workDir } = ctx;
  const sums = await writeSha256Sums(product.dir, await expand(product.files));
  const outDir = resolve(config.outDir);
  const placed = await publishLocal([...product.files, join3(product.dir, "SHA256SUMS")], outDir);
  await caches.commit(state);
  await writeFile2(join3(workDir, "logs", "phases.txt"), `${phases.table()}
`).catch(() => void 0);
  const outputs = { ...product.outputs };
  if (config.target === "image" && config.imageOut) {
    const image = placed[0];
    outputs["image-path"] = image;
    outputs["image-sha256"] = sums[relative(product.dir, product.files[0])];
    outputs["image-size"] = String((await stat(image)).size);
  } else if (config.target === "kernel") outputs["kernel-path"] = outDir;
  return { outputs, files: await expand(placed.map((p) => join3(outDir, basename(p)))) };
}

// src/pipeline.ts
import { tmpdir } from "node:os";
import { join as join4, resolve as resolve2 } from "node:path";
function cacheSession(config, report) {
  useToolCacheDir(config.cacheDir ?? defaultCacheDir());
  return new CacheSession(
    config.cache ? selectStore(config) : void 0,
    config.cacheReadOnly,
    report?.caches
  );
}
async function setUpEmulation(config, caches, report) {
  const tools = { caches, scratch: join4(process.env.RUNNER_TEMP ?? tmpdir(), "rpi-build-tools") };
  const r = await logger().group("QEMU emulation", () => ensureEmulation(config.arch, tools));
  if (report) report.emulation = { native: r.native, emulated: r.emulated };
  return { platforms: r.platforms.join(","), native: r.native.join(","), emulated: r.emulated.join(",") };
}
async function publish(config, report) {
  if (!inActions() || !config.upload) return {};
  const { ActionsArtifacts } = await import("./artifact-N2YCMYOX.js");
  if (!ActionsArtifacts.available()) {
    logger().warn(
      "No artifact service on this runner (ACTIONS_RUNTIME_TOKEN missing); the files stay in out-dir."
    );
    return {};
  }
  if (report.files.length === 0) return {};
  const { artifactName, uploadFiles } = await import("./artifact-N2YCMYOX.js");
  const up = await uploadFiles(artifactName(config), report.files, {
    compressed: config.compression !== "none",
    ...config.retentionDays ? { retentionDays: config.retentionDays } : {}
  });
  report.facts["artifact-url"] = up.url;
  return { "artifact-id": String(up.id), "artifact-url": up.url, "artifact-name": up.name };
}
async function runBuild(config, report, state, caches = cacheSession(config, report)) {
  const workDir = resolve2(config.workDir ?? defaultWorkDir());
  const ctx = { config, workDir, phases: report.phases, caches, facts: report.facts };
  const { phases } = ctx;
  if (config.target === "image" && config.freeDiskSpace) {
    const { freeDiskSpace } = await import("./free-disk-BLL3EAEQ.js");
    const gained = await phases.run(
      "free-disk",
      "Free disk space (hosted runner)",
      () => freeDiskSpace(config)
    );
    ctx.facts["disk-space-freed"] = String(gained);
  }
  const builder = await builderFor(config);
  if (builder.hostTools) await phases.run("host-tools", "Host tools", () => builder.hostTools(ctx));
  await builder.inspect?.(ctx);
  await freshDir(workDir);
  const finished = await finishBuild(ctx, await builder.build(ctx), state);
  Object.assign(report.facts, finished.outputs);
  report.files = finished.files;
  return finished;
}
async function runPipeline(config, report, state) {
  if (config.target === "image") await privilegePrefix("building an image");
  const workDir = resolve2(config.workDir ?? defaultWorkDir());
  if (config.target !== "qemu") await checkWorkDir(workDir);
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
  const caches = cacheSession(config, report);
  const emulation = config.target === "kernel" ? {} : await setUpEmulation(config, caches, report);
  if (config.target === "qemu") {
    await caches.commit(state);
    return { outputs: emulation };
  }
  state.save("workDir", workDir);
  let built;
  if (config.target === "image" && !isRoot()) {
    const child = await buildAsRoot(config, report);
    caches.adopt(child.state.pendingSaves ?? []);
    await caches.commit(state);
    if (child.state.cacheDir) state.save("cacheDir", child.state.cacheDir);
    built = { outputs: child.outputs, files: child.files };
    report.files = child.files;
  } else {
    built = await runBuild(config, report, state, caches);
  }
  const uploaded = await publish(config, report);
  return { outputs: { ...emulation, ...built.outputs, ...uploaded } };
}

// src/publish/timeline.ts
var CACHE_PHASE = { ccache: "build", "pi-gen-stage0": "pi-gen-cache" };
function bars(timings, caches = []) {
  const served = /* @__PURE__ */ new Map();
  for (const c of caches)
    if (c.status === "hit" || c.status === "partial")
      served.set(CACHE_PHASE[c.name] ?? c.name, `cache ${c.status}`);
  return [...timings].sort((a, b) => a.start - b.start).map((t) => {
    const cache = served.get(t.name);
    return {
      name: t.name,
      start: Math.max(0, t.start),
      seconds: Math.max(0, t.seconds),
      failed: !t.ok,
      ...cache ? { cache } : {}
    };
  });
}
var KEYWORD = /^(gantt|dateformat|axisformat|tickinterval|includes|excludes|todaymarker|weekday|weekend|title|section|click|call|href|acctitle|accdescr|accdescription|inclusiveenddates|topaxis)/i;
function mermaidTitle(name, secrets = []) {
  const plain = redact(name, secrets).replace(/[^\p{L}\p{N} _.,()*+/=@-]/gu, "_").trim();
  if (!plain) return "phase";
  return KEYWORD.test(plain) ? `phase ${plain}` : plain;
}
function ganttBlock(timings, caches = [], secrets = []) {
  const rows = bars(timings, caches);
  if (!rows.length) return "";
  const end = Math.max(...rows.map((b) => b.start + b.seconds));
  const lines = [
    "```mermaid",
    "gantt",
    "    title Phases (minutes:seconds from the start)",
    "    dateFormat x",
    `    axisFormat ${end >= 3600 ? "%H:%M:%S" : "%M:%S"}`,
    "    todayMarker off"
  ];
  rows.forEach((b, i) => {
    const from = Math.round(b.start * 1e3);
    const to = from + Math.round(b.seconds * 1e3);
    const note = b.failed ? " (FAILED)" : b.cache ? ` (${b.cache})` : "";
    const tags = [...b.failed ? ["crit"] : [], ...b.cache ? ["done"] : []];
    lines.push(`    ${mermaidTitle(b.name, secrets)}${note} :${[...tags, `p${i}`, from, to].join(", ")}`);
  });
  lines.push("```");
  return lines.join("\n");
}
function textChart(timings, caches = [], width = 80) {
  const rows = bars(timings, caches);
  if (!rows.length) return "";
  const end = Math.max(...rows.map((b) => b.start + b.seconds));
  const nameWidth = Math.min(14, Math.max(...rows.map((b) => b.name.length)));
  const notes = rows.map((b) => b.failed ? "FAILED" : b.cache ?? "");
  const noteWidth = Math.max(...notes.map((n) => n ? n.length + 2 : 0));
  const barWidth = Math.max(10, width - (2 + nameWidth + 2 + 2 + 9 + noteWidth));
  const col = (s) => end > 0 ? Math.round(s / end * barWidth) : 0;
  const lines = rows.map((b, i) => {
    const from = Math.min(col(b.start), barWidth - 1);
    const to = Math.max(from + 1, col(b.start + b.seconds));
    const bar = " ".repeat(from) + "\u2588".repeat(to - from) + " ".repeat(Math.max(0, barWidth - to));
    const name = b.name.length > nameWidth ? `${b.name.slice(0, nameWidth - 1)}\u2026` : b.name.padEnd(nameWidth);
    const note = notes[i] ? `  ${notes[i]}` : "";
    return `  ${name} |${bar}| ${b.seconds.toFixed(1).padStart(7)} s${note}`;
  });
  return [`Timeline (0 to ${end.toFixed(0)} s):`, ...lines].join("\n");
}

// src/publish/summary.ts
var FACT_LABELS = {
  "image-path": "Image",
  "image-size": "Image file size",
  // the compressed file, or the .img with compression none
  "image-sha256": "SHA-256",
  "kernel-release": "Kernel",
  "kernel-source": "Kernel source",
  "pi-gen": "pi-gen",
  "package-count": "Packages",
  "boot-test": "Boot test",
  account: "First user",
  "artifact-url": "Artifact"
};
var GUEST_FACT = /^(boot-check|test): (.+)$/;
function guestFacts(r) {
  return Object.entries(r.facts).flatMap(([k, v]) => {
    const m = GUEST_FACT.exec(k);
    return m ? [[m[1] === "test" ? `test script ${m[2]}` : m[2], v]] : [];
  });
}
var cell = (s) => s.replace(/\|/g, "\\|");
function factValue(key, value) {
  if (key === "image-size") return formatBytes(Number(value));
  if (key === "account" && value === "locked") return "locked (no password and no SSH key given)";
  return value;
}
function summaryMarkdown(r, secrets = []) {
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
    lines.push("", ganttBlock(r.phases.timings, r.caches, secrets));
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
  const guest = guestFacts(r);
  if (guest.length) {
    lines.push("", "### Inside the booted image", "", "| | |", "| --- | --- |");
    for (const [k, v] of guest) lines.push(`| ${cell(k)} | ${cell(v)} |`);
  }
  return `${lines.join("\n")}
`;
}
async function writeJobSummary(r, secrets = []) {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const all = [...secrets, ...knownSecrets()];
  await summary.addRaw(redact(summaryMarkdown(r, all), all)).write();
}
function summaryText(r) {
  const rows = [
    ...r.phases.timings.map(
      (p) => `  ${p.name.padEnd(12)} ${p.seconds.toFixed(1).padStart(7)} s${p.ok ? "" : "  FAILED"}`
    ),
    ...r.caches.map((c) => `  cache ${c.name}: ${c.status}${c.key ? ` (${c.key})` : ""}`),
    ...Object.entries(r.facts).filter(([k]) => FACT_LABELS[k]).map(([k, v]) => `  ${FACT_LABELS[k].padEnd(16)} ${factValue(k, v)}`),
    ...guestFacts(r).map(([k, v]) => `  ${k.padEnd(16)} ${v}`)
  ];
  const chart = textChart(r.phases.timings, r.caches);
  const text = [rows.length ? `Summary:
${rows.join("\n")}` : "", chart].filter(Boolean).join("\n");
  return redact(text, knownSecrets());
}

export {
  cacheSession,
  setUpEmulation,
  runPipeline,
  writeJobSummary,
  summaryText
};
