import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ActionsArtifacts,
  artifactName,
  uploadFiles
} from "./chunk-Q6BJPFUQ.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-SEYD3T6S.js";
import "./chunk-JEISQDF3.js";
export {
  ActionsArtifacts,
  artifactName,
  uploadFiles
};
