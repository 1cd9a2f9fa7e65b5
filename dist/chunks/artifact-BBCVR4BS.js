import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ActionsArtifacts,
  artifactName,
  uploadFiles
} from "./chunk-HQPJW2ZX.js";
import "./chunk-ZYQZGV4T.js";
import "./chunk-2JD6IZFB.js";
export {
  ActionsArtifacts,
  artifactName,
  uploadFiles
};
