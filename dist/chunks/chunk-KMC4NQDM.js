import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/image/checksums.ts
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
async function sha256File(path) {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }))
    h.update(chunk);
  return h.digest("hex");
}
async function writeSha256Sums(dir, files) {
  const sums = {};
  for (const f of files) sums[relative(dir, f)] = await sha256File(f);
  const text = Object.entries(sums).map(([name, sum]) => `${sum}  ${name}
`).join("");
  await writeFile(join(dir, "SHA256SUMS"), text);
  return sums;
}

export {
  writeSha256Sums
};
