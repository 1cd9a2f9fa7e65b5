import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import "./chunk-D7YLWO43.js";

// src/boot/command.ts
async function bootTestCommand(image, config) {
  throw new Error(`boot-test of ${image} (${config.arch[0]}) is not available in this version of rpi-build yet.`);
}
export {
  bootTestCommand
};
