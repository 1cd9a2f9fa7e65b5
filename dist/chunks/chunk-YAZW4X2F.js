import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);
import {
  compressionLevel,
  refuseMountsBelow
} from "./chunk-KXSW6LPC.js";
import {
  basicAuth,
  splitUrlCredentials,
  withoutCredentials
} from "./chunk-G4YZ52AF.js";
import {
  which
} from "./chunk-X2M4GMIQ.js";
import {
  InputError,
  exec
} from "./chunk-5XQTGPXW.js";
import {
  logger
} from "./chunk-HN3MK2TO.js";

// src/image/compress.ts
import { stat } from "node:fs/promises";
var EXTENSIONS = { xz: ".xz", zstd: ".zst", gzip: ".gz", none: "" };
var COMMANDS = {
  xz: ["xz", ["-T0", "--keep", "--force", "--verbose"]],
  // --long=27: a 128 MiB window finds the kernel and firmware the image holds twice (root and FAT).
  zstd: ["zstd", ["-T0", "--long=27", "--keep", "--force", "--sparse"]],
  gzip: ["gzip", ["--keep", "--force"]]
};
async function command(how, level) {
  const [tool, args] = COMMANDS[how];
  const withLevel = [...args, `-${compressionLevel(how, level)}`];
  if (how === "gzip" && await which("pigz")) return ["pigz", withLevel];
  return [tool, withLevel];
}
var NICENESS = "19";
async function compressImage(image, how, opts = {}) {
  if (how === "none") return image;
  const [cmd, args] = await command(how, opts.level);
  const { logFile } = opts;
  const out = `${image}${EXTENSIONS[how]}`;
  await exec("nice", ["-n", NICENESS, cmd, ...args, image], {
    ...logFile ? { logFile } : {},
    onLine: (line) => {
      if (/%|MiB/.test(line)) logger().progress(`${how}: ${line.trim()}`);
    }
  });
  await stat(out);
  return out;
}

// src/rootfs/sources.ts
import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
function archives(spec) {
  const at = (url, suite, input) => ({
    url: url.replace(/\/+$/, ""),
    uri: splitUrlCredentials(url).url.replace(/\/+$/, ""),
    suite,
    input
  });
  const list = [at(spec.mirror, spec.suite, "mirror"), at(spec.mirror, `${spec.suite}-updates`, "mirror")];
  if (spec.securityMirror && spec.securityMirror !== "none")
    list.push(at(spec.securityMirror, `${spec.suite}-security`, "security-mirror"));
  return list;
}
function usesDeb822(suite) {
  return suite !== "bookworm";
}
function sourcesFile(spec) {
  const list = archives(spec);
  const comps = spec.components.join(" ");
  if (!usesDeb822(spec.suite)) {
    return {
      path: "etc/apt/sources.list",
      text: list.map((a) => `deb ${a.uri} ${a.suite} ${comps}
`).join("")
    };
  }
  const byUri = /* @__PURE__ */ new Map();
  for (const a of list) byUri.set(a.uri, [...byUri.get(a.uri) ?? [], a.suite]);
  const stanzas = [...byUri].map(
    ([uri, suites]) => [
      "Types: deb",
      `URIs: ${uri}`,
      `Suites: ${suites.join(" ")}`,
      `Components: ${comps}`,
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg"
    ].join("\n")
  );
  return { path: "etc/apt/sources.list.d/debian.sources", text: `${stanzas.join("\n\n")}
` };
}
function mmdebstrapMirrors(spec) {
  return archives(spec).map((a) => `deb ${a.uri} ${a.suite} ${spec.components.join(" ")}`);
}
async function writeImageSources(root, spec) {
  await rm(join(root, "etc", "apt", "sources.list"), { force: true });
  const dir = join(root, "etc", "apt", "sources.list.d");
  await mkdir(dir, { recursive: true });
  for (const f of await readdir(dir)) if (/^\d{4}/.test(f)) await rm(join(dir, f), { force: true });
  const { path, text } = sourcesFile(spec);
  await mkdir(dirname(join(root, path)), { recursive: true });
  await writeFile(join(root, path), text, { mode: 420 });
}
function authConf(spec) {
  const lines = [];
  for (const a of archives(spec)) {
    const c = splitUrlCredentials(a.url);
    if (c.username === void 0) continue;
    if (/\s/.test(c.username + (c.password ?? "")))
      throw new InputError(
        a.input,
        "has credentials with a space or line break, which apt cannot read",
        "Use a token without spaces (percent-encoded spaces are decoded, so they count)."
      );
    const line = `machine ${a.uri} login ${c.username} password ${c.password ?? ""}`;
    if (!lines.includes(line)) lines.push(line);
  }
  return lines.length ? `${lines.join("\n")}
` : void 0;
}
var IN_ROOT_AUTH = join("etc", "apt", "auth.conf.d", "90rpi-build.conf");
async function withAptAuth(root, spec, fn) {
  const text = authConf(spec);
  if (!text) return fn();
  const file = join(root, IN_ROOT_AUTH);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text, { mode: 384 });
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}

// src/cache/rootfs-cache.ts
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
var ROOTFS_RECIPE = "v2";
var sha = (s) => createHash("sha256").update(s).digest("hex");
function rootfsKeys(spec, archiveState2) {
  const config = sha(
    JSON.stringify({
      recipe: ROOTFS_RECIPE,
      arch: spec.arch,
      suite: spec.suite,
      // Credential-free: a new token is the same archive.
      archives: archives(spec).map((a) => `${a.uri} ${a.suite}`),
      components: [...spec.components].sort(),
      packages: [...spec.packages].sort(),
      // Off is the escape hatch when the host's tools are suspected: never served a root they made.
      ...spec.nativeTools === false ? { nativeTools: false } : {}
    })
  ).slice(0, 16);
  const restorePrefix = `rpi-build-rootfs-${ROOTFS_RECIPE}-${spec.arch}-${spec.suite}-${config}-`;
  return { key: `${restorePrefix}${archiveState2}`, restorePrefix };
}
function fetchFailure(err) {
  const e = err;
  return e.cause ? `${e.message}: ${e.cause.message || e.cause.code}` : e.message;
}
async function archiveStates(spec, tries = 4) {
  const states = [];
  for (const a of archives(spec)) states.push(await archiveState(a.url, a.suite, tries, a.input));
  return states.length === 1 ? states[0] : sha(states.join("\n")).slice(0, 16);
}
async function archiveState(mirror, suite, tries = 4, input = "mirror") {
  const auth = basicAuth(mirror);
  const base = withoutCredentials(mirror).replace(/\/+$/, "");
  const flag = `--${input}`;
  for (const name of ["InRelease", "Release"]) {
    const url = `${base}/dists/${suite}/${name}`;
    if (url.startsWith("file://")) {
      const text = await readFile(fileURLToPath(url)).catch(() => void 0);
      if (text) return sha(text).slice(0, 16);
      continue;
    }
    for (let i = 0; i < tries; i++) {
      try {
        const res = await fetch(url, {
          signal: AbortSignal.timeout(3e4),
          ...auth ? { headers: { authorization: auth } } : {}
        });
        if (res.status === 404) break;
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        return sha(Buffer.from(await res.arrayBuffer())).slice(0, 16);
      } catch (err) {
        if (i === tries - 1)
          throw new Error(
            `The Debian ${input === "mirror" ? "mirror" : "security archive"} ${base} cannot be reached: reading ${url} failed ${tries} times (${fetchFailure(err)}). Set ${input} (${flag} on the CLI) to a reachable ${input === "mirror" ? "Debian mirror such as http://deb.debian.org/debian" : "security archive such as http://deb.debian.org/debian-security"}, or check the network and any proxy.`
          );
        const wait = 1e3 * 2 ** i;
        logger().warn(`reading ${url} failed (${fetchFailure(err)}); retrying in ${wait / 1e3} s`);
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }
  throw new Error(
    `${base}/dists/${suite}/ has no InRelease or Release file: is "${suite}" on this mirror? (${input}, ${flag} on the CLI)`
  );
}
async function packRootfs(root, tarball, logFile, members = ["."]) {
  await refuseMountsBelow(root, "pack");
  logger().progress(`cache: packing ${root.split("/").pop()} (tar, zstd)`);
  await exec(
    "tar",
    [
      "--create",
      "--file",
      tarball,
      "--use-compress-program=zstd -T0 -3",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "--one-file-system",
      "-C",
      root,
      ...members
    ],
    {
      privileged: "packing the root filesystem",
      logFile
    }
  );
}
var ROOTFS_ARCHIVE = { devicesUnder: "dev", privileged: "checking the cached root filesystem" };
async function unpackRootfs(tarball, root, logFile) {
  await exec("mkdir", ["-p", root], { privileged: "unpacking the root filesystem" });
  await exec(
    "tar",
    [
      "--extract",
      "--file",
      tarball,
      "--use-compress-program=zstd -d -T0",
      "--numeric-owner",
      "--xattrs",
      "--xattrs-include=*",
      "--acls",
      "-C",
      root
    ],
    {
      privileged: "unpacking the root filesystem",
      logFile
    }
  );
}
function rootfsEntry(spec, archiveState2, paths) {
  const keys = rootfsKeys(spec, archiveState2);
  return {
    name: "rootfs",
    what: "rootfs cache",
    instead: "building without it",
    key: keys.key,
    restoreKeys: [keys.restorePrefix],
    tarball: paths.tarball,
    policy: ROOTFS_ARCHIVE,
    olderHit: "on an older archive state",
    unpack: (file) => unpackRootfs(file, paths.root, paths.log),
    pack: (file) => packRootfs(paths.root, file, paths.log)
  };
}

export {
  mmdebstrapMirrors,
  writeImageSources,
  authConf,
  withAptAuth,
  archiveStates,
  packRootfs,
  ROOTFS_ARCHIVE,
  unpackRootfs,
  rootfsEntry,
  compressImage
};
