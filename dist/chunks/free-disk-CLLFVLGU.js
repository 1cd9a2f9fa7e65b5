import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
} from "./chunk-QQT7N3CR.js";
import "./chunk-EN43AEVU.js";
import "./chunk-ORXIR6YO.js";
export {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
};
