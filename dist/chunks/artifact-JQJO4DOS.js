import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ActionsArtifacts,
  artifactName,
  uploadFiles
} from "./chunk-AKIYCOVL.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-4LM7V2QJ.js";
import "./chunk-ORXIR6YO.js";
export {
  ActionsArtifacts,
  artifactName,
  uploadFiles
};
