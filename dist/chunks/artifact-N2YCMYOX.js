import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  ActionsArtifacts,
  artifactName,
  uploadFiles
} from "./chunk-4RHPPCP7.js";
import "./chunk-DS3RU7S5.js";
import "./chunk-WKCL3XOP.js";
import "./chunk-HN3MK2TO.js";
export {
  ActionsArtifacts,
  artifactName,
  uploadFiles
};
