import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import "./chunk-D7YLWO43.js";

// src/builders/image.ts
async function buildImage(config) {
  throw new Error(`builder ${config.builder} is not available in this version of rpi-build yet.`);
}
export {
  buildImage
};
