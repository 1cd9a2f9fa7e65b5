import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
} from "./chunk-MM45DSBM.js";
import "./chunk-4Z53H52X.js";
import "./chunk-JEISQDF3.js";
export {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
};
