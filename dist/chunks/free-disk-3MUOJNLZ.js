import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
} from "./chunk-FL6OFBTR.js";
import "./chunk-7IY5XED5.js";
import "./chunk-JEISQDF3.js";
export {
  HOSTED_TOOLSETS,
  checkFreeDiskSpace,
  freeDiskSpace,
  onHostedRunner
};
