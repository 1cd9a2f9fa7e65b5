import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  BINFMT_DIR,
  runDoctor
} from "./chunk-TADEBJLL.js";
import {
  configSecrets,
  redactConfig
} from "./chunk-MJZLRWWY.js";
import {
  OPTIONS
} from "./chunk-M7MSI67S.js";
import {
  knownSecrets,
  redact
} from "./chunk-G4YZ52AF.js";
import {
  errorMessage,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  getInput,
  info
} from "./chunk-HN3MK2TO.js";

// src/config/inputs.ts
function readInputs(env = process.env) {
  const overrides = {};
  for (const o of OPTIONS) {
    const v = getInput(o.key);
    if (v !== "") overrides[o.key] = v;
  }
  const event = env.GITHUB_EVENT_NAME ?? "";
  if (["pull_request", "pull_request_target"].includes(event) && !("cache-read-only" in overrides)) {
    overrides["cache-read-only"] = "true";
    info(
      `cache-read-only: true (default for ${event} events): caches are restored but not saved, so a pull request cannot put an entry in them that later builds would trust. Set the cache-read-only input to false to save anyway.`
    );
  }
  const roots = env.GITHUB_WORKSPACE ? [env.GITHUB_WORKSPACE, ...env.RUNNER_TEMP ? [env.RUNNER_TEMP] : []] : [];
  const file = getInput("config");
  return { ...file ? { file } : {}, overrides, ...roots.length ? { roots } : {} };
}

// src/diagnostics/collect.ts
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
var BUNDLE_NAME = "rpi-build-diagnostics.tar.gz";
async function commandText(cmd, args, privileged = false) {
  try {
    const r = await exec(cmd, args, {
      allowFailure: true,
      timeoutMs: 2e4,
      ...privileged ? { privileged: cmd } : {}
    });
    return `${r.stdout}${r.stderr ? `
[stderr]
${r.stderr}` : ""}`;
  } catch (err) {
    return `(${cmd} could not run: ${errorMessage(err)})`;
  }
}
async function collectDiagnostics(input) {
  const dir = join(input.outDir, "diagnostics");
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(dir, "logs"), { recursive: true });
  const secrets = [...input.secrets, ...input.config ? configSecrets(input.config) : [], ...knownSecrets()];
  const put = (name, text) => writeFile(join(dir, name), redact(text, secrets));
  const doctor = await runDoctor(
    input.config ?? { arch: ["arm64"], target: "image", workDir: input.workDir, minFreeDisk: void 0 }
  ).catch((err) => ({ error: errorMessage(err) }));
  await put("doctor.json", JSON.stringify(doctor, null, 2));
  const binfmt = [];
  for (const f of await readdir(BINFMT_DIR).catch(() => [])) {
    binfmt.push(`== ${f}
${await readFile(join(BINFMT_DIR, f), "utf8").catch(() => "(unreadable)")}`);
  }
  await put("binfmt.txt", binfmt.join("\n") || "(binfmt_misc not mounted)");
  await put("mountinfo.txt", await readFile("/proc/self/mountinfo", "utf8").catch(() => ""));
  await put("df.txt", await commandText("df", ["-h"]));
  await put(
    "dmesg-tail.txt",
    (await commandText("dmesg", ["--ctime"], true)).split("\n").slice(-200).join("\n")
  );
  if (input.config) await put("config.json", JSON.stringify(redactConfig(input.config), null, 2));
  if (input.error)
    await put(
      "error.txt",
      `${input.failedPhase ? `failed phase: ${input.failedPhase}
` : ""}${input.error}
`
    );
  const logs = join(input.workDir, "logs");
  for (const f of await readdir(logs).catch(() => [])) {
    const text = await readFile(join(logs, f), "utf8").catch(() => void 0);
    if (text !== void 0) await put(join("logs", f), text);
    else await copyFile(join(logs, f), join(dir, "logs", f)).catch(() => void 0);
  }
  const bundle = join(input.outDir, BUNDLE_NAME);
  await exec("tar", ["-czf", bundle, "-C", input.outDir, "diagnostics"]);
  return bundle;
}

export {
  readInputs,
  collectDiagnostics
};
