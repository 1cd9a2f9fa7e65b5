import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
} from "./chunk-KM5ZZME6.js";
import "./chunk-ICWOZ6BD.js";
import "./chunk-HN3MK2TO.js";
export {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
};
