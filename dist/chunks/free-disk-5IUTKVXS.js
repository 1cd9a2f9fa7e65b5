import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
} from "./chunk-AKLGG77D.js";
import "./chunk-5XQTGPXW.js";
import "./chunk-HN3MK2TO.js";
export {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
};
