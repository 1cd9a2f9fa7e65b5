import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  buildDebianImage
} from "./chunk-YKXC3K3O.js";
import "./chunk-45PNM7UO.js";
import "./chunk-VNXH7ZGL.js";
import "./chunk-ZYQZGV4T.js";
import "./chunk-U2UNP6PW.js";
import "./chunk-NCM4SYL6.js";
import "./chunk-2JD6IZFB.js";

// src/builders/image.ts
async function buildImage(config, report) {
  if (config.builder === "pi-gen") {
    throw new Error("builder pi-gen is not available in this version of rpi-build yet; use builder debian.");
  }
  return buildDebianImage(config, report);
}
export {
  buildImage
};
