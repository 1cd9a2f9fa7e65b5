#!/usr/bin/env node
import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  cacheSession,
  runPipeline,
  setUpEmulation,
  summaryText
} from "./chunks/chunk-IDBFKO5J.js";
import {
  removeBuildTrees
} from "./chunks/chunk-KWEBL65I.js";
import {
  collectState,
  formatDoctor,
  newReport,
  noState,
  reportData,
  runDoctor
} from "./chunks/chunk-TADEBJLL.js";
import "./chunks/chunk-DS3RU7S5.js";
import "./chunks/chunk-WWMXI5AG.js";
import "./chunks/chunk-NYPTKA4T.js";
import {
  checkKeys,
  didYouMean,
  loadConfig
} from "./chunks/chunk-MJZLRWWY.js";
import {
  PARTS,
  ensureHostPackages,
  packagesOf
} from "./chunks/chunk-I2QPKFXT.js";
import "./chunks/chunk-MTW55NNC.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-FCYPM6WI.js";
import {
  defaultWorkDir,
  handBack
} from "./chunks/chunk-XEISMBYS.js";
import {
  OPTIONS,
  OPTION_KEYS,
  cleanupWorkDir,
  defaultText,
  isMarked
} from "./chunks/chunk-M7MSI67S.js";
import "./chunks/chunk-KM5ZZME6.js";
import "./chunks/chunk-ZA2QISKQ.js";
import {
  knownSecrets,
  redact
} from "./chunks/chunk-G4YZ52AF.js";
import "./chunks/chunk-MQB7SEVM.js";
import {
  InputError,
  errorMessage,
  killChildren
} from "./chunks/chunk-ICWOZ6BD.js";
import {
  inActions
} from "./chunks/chunk-HN3MK2TO.js";

// src/entries/cli.ts
import { writeFile } from "node:fs/promises";

// src/cli-args.ts
import { parseArgs } from "node:util";
var COMMANDS = [
  "doctor",
  "qemu",
  "image",
  "kernel",
  "build",
  "boot-test",
  "host-packages",
  "cleanup",
  "help"
];
var USAGE = `rpi-build: build Raspberry Pi images and kernels in CI and on workstations

Usage:
  rpi-build doctor [--json] [--arch LIST] [--target T]   probe this host and explain what is wrong
  rpi-build qemu --arch arm64,armhf                      register QEMU emulation for what the CPU cannot run
  rpi-build image [--out DIR] [options]                  build an SD-card image (default: Debian arm64)
  rpi-build kernel [--board B] [--kernel-path P] [options] cross-compile a Raspberry Pi kernel (default: pi4-64)
  rpi-build build --config FILE [options]                run the build a YAML config describes
  rpi-build boot-test IMAGE [--arch A] [--test-script F] boot an image under QEMU, check it, run test scripts
  rpi-build host-packages [PART...] [--install]          list (or install) the host packages of image, boot,
                                                         kernel, pigen, tests (all parts when none is named)
  rpi-build cleanup --work-dir DIR                       end, unmount and remove what a build left in its
                                                         work folder (what the action's post step runs)

Options (also YAML keys and action inputs):
${OPTIONS.map((o) => `  --${o.key.padEnd(22)} ${o.description}${defaultText(o) ? ` [${defaultText(o)}]` : ""}${o.values ? ` (${o.values.join("|")})` : ""}`).join("\n")}
  --config FILE            YAML build config; flags override it
  --out DIR                same as --out-dir
  --json                   doctor: print one JSON object
  --outputs-file FILE      also write the outputs as a JSON object to FILE

Environment:
  RPI_BUILD_PASSWORD       the first user's password (better than --password, which ps shows)
`;
function argSpec() {
  const spec = {
    config: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    install: { type: "boolean" },
    "outputs-file": { type: "string" },
    help: { type: "boolean", short: "h" }
  };
  for (const o of OPTIONS) {
    spec[o.key] = o.kind === "list" && o.perLine ? { type: "string", multiple: true } : { type: "string" };
    if (o.kind === "bool") spec[`no-${o.key}`] = { type: "boolean" };
  }
  return spec;
}
function parseCli(argv, env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: argSpec(), allowPositionals: true, strict: true });
  } catch (err) {
    const m = /Unknown option '--?([^']+)'/.exec(errorMessage(err));
    if (m)
      throw new InputError(
        `--${m[1]}`,
        "is not a known flag",
        didYouMean(m[1], [...OPTION_KEYS, "config", "out", "json", "install", "outputs-file"])
      );
    throw new InputError("command line", errorMessage(err), "See rpi-build --help.");
  }
  const values = parsed.values;
  const [first, ...positionals] = parsed.positionals;
  const command = values.help ? "help" : first ?? "help";
  if (!COMMANDS.includes(command)) {
    throw new InputError(
      "command",
      `"${first}" is not a command`,
      `${didYouMean(first ?? "", COMMANDS)} Commands: ${COMMANDS.join(", ")}.`
    );
  }
  const overrides = {};
  for (const o of OPTIONS) {
    const v = values[o.key];
    if (typeof v === "string") overrides[o.key] = v;
    if (Array.isArray(v)) overrides[o.key] = v.join("\n");
    if (values[`no-${o.key}`] === true) overrides[o.key] = false;
  }
  if (typeof values.out === "string") overrides["out-dir"] = values.out;
  const secretFromEnv = env.RPI_BUILD_PASSWORD;
  if (secretFromEnv && !("password" in overrides) && !("password-file" in overrides))
    overrides.password = secretFromEnv;
  if (command === "qemu" || command === "doctor")
    overrides.target ??= command === "qemu" ? "qemu" : overrides.target;
  if (command === "image") overrides.target = "image";
  if (command === "kernel") overrides.target = "kernel";
  checkKeys(overrides, "flag");
  return {
    command,
    positionals,
    ...typeof values.config === "string" ? { file: values.config } : {},
    overrides,
    json: values.json === true,
    install: values.install === true,
    ...typeof values["outputs-file"] === "string" ? { outputsFile: values["outputs-file"] } : {}
  };
}

// src/entries/cli.ts
import { join, resolve } from "node:path";
async function hostPackages(names, install) {
  const bad = names.filter((n) => !PARTS.includes(n));
  if (bad.length)
    throw new InputError("PART", `"${bad.join(" ")}" is not a part`, `Parts: ${PARTS.join(", ")}.`);
  const parts = names.length ? names : [...PARTS];
  if (!install) {
    process.stdout.write(`${packagesOf(parts).join("\n")}
`);
    return 0;
  }
  const installed = await ensureHostPackages(parts);
  process.stderr.write(
    installed.length ? `installed: ${installed.join(" ")}
` : "all host packages are present\n"
  );
  return 0;
}
async function cleanup(workDir) {
  if (typeof workDir !== "string" || !workDir)
    throw new InputError("--work-dir", "is missing", "Usage: rpi-build cleanup --work-dir DIR");
  const dir = resolve(workDir);
  const result = { summary: "", remaining: [], removed: [] };
  if (!await isMarked(dir)) {
    result.summary = `rpi-build cleanup: ${dir} has no rpi-build marker; nothing done there.`;
  } else {
    const report = await cleanupWorkDir(dir);
    result.summary = report.summary;
    result.remaining = report.remaining;
    if (report.remaining.length === 0) {
      result.removed = await removeBuildTrees(dir);
      await handBack([dir]);
    }
  }
  process.stdout.write(`${JSON.stringify(result)}
`);
  return 0;
}
async function run(argv) {
  const cli = parseCli(argv);
  if (cli.command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  if (cli.command === "host-packages") return hostPackages(cli.positionals, cli.install);
  if (cli.command === "cleanup") return cleanup(cli.overrides["work-dir"]);
  if (cli.command === "doctor" && !cli.overrides.target) cli.overrides.target = "image";
  const config = await loadConfig({ overrides: cli.overrides, ...cli.file ? { file: cli.file } : {} });
  switch (cli.command) {
    case "doctor": {
      const report = await runDoctor(config);
      process.stdout.write(cli.json ? `${JSON.stringify(report, null, 2)}
` : `${formatDoctor(report)}
`);
      return report.ok ? 0 : 1;
    }
    case "qemu": {
      const caches = cacheSession(config);
      const out = await setUpEmulation(config, caches);
      await caches.commit(noState);
      for (const [k, v] of Object.entries(out)) process.stdout.write(`${k}=${v}
`);
      return 0;
    }
    case "boot-test": {
      const image = cli.positionals[0];
      if (!image)
        throw new InputError(
          "IMAGE",
          "is missing",
          "Usage: rpi-build boot-test IMAGE [--arch arm64|armhf|armel]"
        );
      const { bootTestCommand } = await import("./chunks/command-SK6BEVZL.js");
      return bootTestCommand(image, config);
    }
    case "image":
    case "kernel":
    case "build": {
      const report = newReport(config.target, config.arch, config.suite);
      const state = cli.outputsFile && inActions() ? collectState() : void 0;
      let outputs = {};
      try {
        outputs = (await runPipeline(config, report, state ?? noState)).outputs;
        report.outcome = "success";
      } catch (err) {
        report.outcome = "failure";
        report.error = errorMessage(err);
        throw err;
      } finally {
        if (cli.outputsFile) {
          const workDir = resolve(config.workDir ?? defaultWorkDir());
          await handBack([join(workDir, "logs"), join(workDir, "cache")]);
          await handBack([workDir], { recursive: false });
          const back = {
            outputs,
            report: reportData(report),
            ...state ? { state: state.collected } : {}
          };
          await writeFile(cli.outputsFile, JSON.stringify(back));
        }
        const text = summaryText(report);
        if (text && !cli.outputsFile) process.stderr.write(`${text}
`);
      }
      for (const [k, v] of Object.entries(outputs)) process.stdout.write(`${k}=${v}
`);
      return 0;
    }
  }
}

// src/cli.ts
var interrupted = false;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write(`
rpi-build: ${sig} received, stopping child processes\u2026
`);
    void killChildren().then(() => process.exit(sig === "SIGINT" ? 130 : 143));
  });
}
run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`rpi-build: ${redact(errorMessage(err), knownSecrets())}
`);
    process.exitCode = err instanceof InputError ? 2 : 1;
  }
);
