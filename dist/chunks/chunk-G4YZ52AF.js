import { createRequire as __rpiCreateRequire } from 'node:module'; const require = __rpiCreateRequire(import.meta.url);

// src/runtime/files.ts
import { cp, open, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
async function moveFile(src, dest) {
  await rename(src, dest).catch(async (err) => {
    if (err.code !== "EXDEV") throw err;
    await cp(src, dest, { recursive: true, preserveTimestamps: true });
    await rm(src, { recursive: true });
  });
}
var exists = (p) => stat(p).then(
  () => true,
  () => false
);
async function readHead(file, bytes) {
  const fd = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fd.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fd.close();
  }
}
async function filesBelow(dir) {
  const out = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesBelow(p));
    else out.push(p);
  }
  return out;
}

// src/runtime/redact.ts
function redact(text, secrets) {
  let out = text;
  for (const s of secrets.filter((x) => x.length >= 3).sort((a, b) => b.length - a.length))
    out = out.split(s).join("***");
  return out;
}
var decode = (s) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};
var HTTP_USERINFO = /^(https?:\/\/)([^/?#]*)@(.*)$/i;
var ANY_USERINFO = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^/?#]*)@(.*)$/;
function hideUserinfo(url) {
  return url.replace(ANY_USERINFO, "$1$3");
}
function splitUrlCredentials(url) {
  const m = HTTP_USERINFO.exec(url);
  if (!m) return { url };
  const [, scheme, userinfo, rest] = m;
  const colon = userinfo.indexOf(":");
  const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
  const pass = colon < 0 ? "" : userinfo.slice(colon + 1);
  return { url: `${scheme}${rest}`, username: decode(user), password: decode(pass) };
}
function withoutCredentials(url) {
  return splitUrlCredentials(url).url;
}
function basicAuth(url) {
  const c = splitUrlCredentials(url);
  if (c.username === void 0) return void 0;
  return `Basic ${Buffer.from(`${c.username}:${c.password ?? ""}`).toString("base64")}`;
}
function urlSecrets(url) {
  const m = HTTP_USERINFO.exec(url);
  if (!m) {
    const other = ANY_USERINFO.exec(url)?.[2];
    const pass = other?.includes(":") ? other.slice(other.indexOf(":") + 1) : "";
    return pass ? [other, pass, decode(pass)].filter((v, i, a) => a.indexOf(v) === i) : [];
  }
  const userinfo = m[2];
  const c = splitUrlCredentials(url);
  const rawPass = userinfo.includes(":") ? userinfo.slice(userinfo.indexOf(":") + 1) : "";
  const secret = rawPass ? [rawPass, c.password] : [userinfo.replace(/:$/, ""), c.username];
  const header = basicAuth(url).slice("Basic ".length);
  return [...new Set([userinfo, ...secret, header].filter((s) => s.length > 0))];
}
var known = /* @__PURE__ */ new Set();
function rememberSecrets(secrets) {
  for (const s of secrets) if (s) known.add(s);
}
function knownSecrets() {
  return [...known];
}
function gitAuth(url) {
  const header = basicAuth(url);
  const clean = withoutCredentials(url);
  if (!header) return { url, env: {} };
  return {
    url: clean,
    env: {
      GIT_CONFIG_COUNT: "1",
      GIT_CONFIG_KEY_0: `http.${clean}.extraHeader`,
      GIT_CONFIG_VALUE_0: `Authorization: ${header}`
    }
  };
}

export {
  moveFile,
  exists,
  readHead,
  filesBelow,
  redact,
  hideUserinfo,
  splitUrlCredentials,
  withoutCredentials,
  basicAuth,
  urlSecrets,
  rememberSecrets,
  knownSecrets,
  gitAuth
};
