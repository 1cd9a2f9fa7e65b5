import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  gitAuth
} from "./chunk-G4YZ52AF.js";
import {
  InputError,
  errorMessage,
  exec
} from "./chunk-ICWOZ6BD.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/runtime/git.ts
async function shallowClone(c) {
  const { url, env } = gitAuth(c.repository);
  const at = c.ref ? ` at ${c.ref}` : "";
  logger().info(`cloning ${url}${at} (shallow)`);
  const args = ["clone", "--depth", "1", "--single-branch", ...c.ref ? ["--branch", c.ref] : []];
  await exec("git", [...args, "--", url, c.dest], {
    logFile: c.logFile,
    timeoutMs: c.timeoutMs,
    env: { GIT_TERMINAL_PROMPT: "0", ...env }
  }).catch((err) => {
    throw new InputError(
      c.ref ? c.inputs.ref : c.inputs.repository,
      `git could not clone ${url}${at}: ${errorMessage(err).split("\n").slice(-3).join(" ")}`,
      c.fix
    );
  });
  return url;
}

export {
  shallowClone
};
