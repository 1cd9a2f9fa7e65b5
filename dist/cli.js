#!/usr/bin/env node
import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  checkKeys,
  didYouMean,
  loadConfig,
  newReport,
  reportData,
  runPipeline,
  setUpEmulation,
  summaryText
} from "./chunks/chunk-NOTF34UV.js";
import {
  OPTIONS,
  OPTION_KEYS,
  formatDoctor,
  runDoctor
} from "./chunks/chunk-NTN64I3L.js";
import "./chunks/chunk-X6OXMRVZ.js";
import "./chunks/chunk-6EFLWPV5.js";
import "./chunks/chunk-65Q4FPQX.js";
import "./chunks/chunk-WKCL3XOP.js";
import "./chunks/chunk-MBPLPZK6.js";
import "./chunks/chunk-ETIVXEBC.js";
import "./chunks/chunk-MWIMASZ6.js";
import {
  InputError,
  errorMessage,
  killChildren
} from "./chunks/chunk-U6F4K6BP.js";
import "./chunks/chunk-JEISQDF3.js";

// src/cli.ts
import { writeFile } from "node:fs/promises";

// src/cli-args.ts
import { parseArgs } from "node:util";
var COMMANDS = ["doctor", "qemu", "image", "kernel", "build", "boot-test", "help"];
var USAGE = `rpi-build: build Raspberry Pi images and kernels in CI and on workstations

Usage:
  rpi-build doctor [--json] [--arch LIST] [--target T]   probe this host and explain what is wrong
  rpi-build qemu --arch arm64,armhf                      register QEMU emulation for what the CPU cannot run
  rpi-build image [--out DIR] [options]                  build an SD-card image (default: Debian arm64)
  rpi-build kernel [--board B] [--kernel-path P] [options] cross-compile a Raspberry Pi kernel (default: pi4-64)
  rpi-build build --config FILE [options]                run the build a YAML config describes
  rpi-build boot-test IMAGE [--arch A]                   boot an image under QEMU to a login prompt

Options (also YAML keys and action inputs):
${OPTIONS.map((o) => `  --${o.key.padEnd(22)} ${o.description}${o.default ? ` [${o.default}]` : ""}${o.values ? ` (${o.values.join("|")})` : ""}`).join("\n")}
  --config FILE            YAML build config; flags override it
  --out DIR                same as --out-dir
  --json                   doctor: print one JSON object
  --outputs-file FILE      also write the outputs as a JSON object to FILE
`;
function argSpec() {
  const spec = {
    config: { type: "string" },
    out: { type: "string" },
    json: { type: "boolean" },
    "outputs-file": { type: "string" },
    help: { type: "boolean", short: "h" }
  };
  for (const o of OPTIONS) {
    spec[o.key] = { type: "string" };
    if (o.kind === "bool") spec[`no-${o.key}`] = { type: "boolean" };
  }
  return spec;
}
function parseCli(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: argSpec(), allowPositionals: true, strict: true });
  } catch (err) {
    const m = /Unknown option '--?([^']+)'/.exec(errorMessage(err));
    if (m)
      throw new InputError(
        `--${m[1]}`,
        "is not a known flag",
        didYouMean(m[1], [...OPTION_KEYS, "config", "out", "json", "outputs-file"])
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
    if (values[`no-${o.key}`] === true) overrides[o.key] = false;
  }
  if (typeof values.out === "string") overrides["out-dir"] = values.out;
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
    ...typeof values["outputs-file"] === "string" ? { outputsFile: values["outputs-file"] } : {}
  };
}

// src/cli.ts
async function main(argv) {
  const cli = parseCli(argv);
  if (cli.command === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
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
      const out = await setUpEmulation(config);
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
      const { bootTestCommand } = await import("./chunks/command-X5K2QUNP.js");
      return bootTestCommand(image, config);
    }
    case "image":
    case "kernel":
    case "build": {
      const report = newReport(config.target, config.arch, config.suite);
      let outputs = {};
      try {
        outputs = (await runPipeline(config, report)).outputs;
        report.outcome = "success";
      } catch (err) {
        report.outcome = "failure";
        report.error = errorMessage(err);
        throw err;
      } finally {
        if (cli.outputsFile)
          await writeFile(cli.outputsFile, JSON.stringify({ outputs, report: reportData(report) }));
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
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`rpi-build: ${errorMessage(err)}
`);
    process.exitCode = err instanceof InputError ? 2 : 1;
  }
);
