import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  checkFreeDiskSpace
} from "./chunk-FL6OFBTR.js";
import {
  InputError
} from "./chunk-7IY5XED5.js";

// src/config/pigen.ts
import { stat } from "node:fs/promises";
import { join } from "node:path";
var KEYBOARD_LAYOUTS = {
  gb: "English (UK)",
  us: "English (US)",
  de: "German",
  fr: "French",
  es: "Spanish",
  it: "Italian",
  pt: "Portuguese",
  nl: "Dutch",
  be: "Belgian",
  se: "Swedish",
  no: "Norwegian",
  dk: "Danish",
  fi: "Finnish",
  pl: "Polish",
  cz: "Czech",
  hu: "Hungarian",
  jp: "Japanese",
  ru: "Russian"
};
function keyboardOf(value) {
  const [keymap, layout] = value.split(/:(.*)/s);
  const known = KEYBOARD_LAYOUTS[keymap];
  if (layout) return { keymap, layout };
  if (!known)
    throw new InputError(
      "keyboard",
      `the layout name of keymap "${keymap}" is not known to rpi-build`,
      `Give it as keymap:layout, e.g. "${keymap}:<layout name as in debconf-show keyboard-configuration>", or use one of ${Object.keys(KEYBOARD_LAYOUTS).join(", ")}.`
    );
  return { keymap, layout: known };
}
async function checkPiGen(config, env = process.env) {
  checkFreeDiskSpace(config, env);
  if (config.target !== "image" || config.builder !== "pi-gen") return;
  const arch = config.arch[0];
  if (arch !== "arm64" && arch !== "armhf")
    throw new InputError(
      "arch",
      `pi-gen builds armhf or arm64 images, not ${arch}`,
      "Use arch armhf (its images also run on a Pi Zero/1) or arm64 with builder pi-gen, or builder debian for armel."
    );
  keyboardOf(config.keyboard);
  if (!/^[a-z][-a-z0-9_]*$/.test(config.username))
    throw new InputError(
      "username",
      `pi-gen accepts only names starting with a lowercase letter, got "${config.username}"`,
      "Start the name with a lowercase letter."
    );
  if (config.password !== void 0 && /["$`\\]/.test(config.password))
    throw new InputError(
      "password",
      'contains " $ ` or \\, which pi-gen would run as shell code inside the image',
      "Use a password without those four characters with builder pi-gen (builder debian takes any)."
    );
  if (config.piGenPath !== void 0) {
    const ok = await stat(join(config.piGenPath, "build.sh")).catch(() => void 0);
    if (!ok?.isFile())
      throw new InputError(
        "pi-gen-path",
        `"${config.piGenPath}" holds no build.sh`,
        "Give the folder of a pi-gen checkout, or drop pi-gen-path to clone pi-gen-repository."
      );
  }
  if (config.piGenStagesDir !== void 0 && !(await stat(config.piGenStagesDir).catch(() => void 0))?.isDirectory())
    throw new InputError(
      "pi-gen-stages-dir",
      `"${config.piGenStagesDir}" is not a folder`,
      "Give a folder holding your stage folders (each with prerun.sh and numbered sub-stages)."
    );
}

export {
  keyboardOf,
  checkPiGen
};
