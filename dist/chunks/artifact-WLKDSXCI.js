import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ActionsArtifacts,
  artifactName,
  uploadFiles
} from "./chunk-5ILGS3F5.js";
import "./chunk-MWIMASZ6.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-JEISQDF3.js";
export {
  ActionsArtifacts,
  artifactName,
  uploadFiles
};
