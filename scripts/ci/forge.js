#!/usr/bin/env node
// Runs Foundry's forge (the second Solidity test engine) with the project's foundry.toml: `node scripts/ci/forge.js
// test [forge args...]`. The binary comes from the npm package @foundry-rs/forge, whose platform package
// (@foundry-rs/forge-linux-amd64, ...) ships it at bin/forge; FORGE_BIN overrides it. The profile is forge's:
// `default` (CI) unless FOUNDRY_PROFILE says otherwise (`fuzz` for the deep run).
// For `test`, the last line is "forge: N passed, N failed[, N skipped]".
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawn } = require("node:child_process");

const root = path.resolve(__dirname, "..", "..");
const args = process.argv.slice(2);

function forgeBinary() {
  if (process.env.FORGE_BIN) return path.resolve(process.env.FORGE_BIN);
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
  const name = `@foundry-rs/forge-${process.platform}-${arch}`;
  const exe = process.platform === "win32" ? "forge.exe" : "forge";
  try {
    return path.join(path.dirname(require.resolve(`${name}/package.json`, { paths: [root] })), "bin", exe);
  } catch {
    return path.join(root, "node_modules", name, "bin", exe);
  }
}

const forge = forgeBinary();
if (!fs.existsSync(forge)) {
  console.error(`forge not found at ${forge}: install the devDependency @foundry-rs/forge (npm ci), or set FORGE_BIN`);
  if (args[0] === "test") console.log("forge: 0 passed, 1 failed");
  process.exit(1);
}

const profile = process.env.FOUNDRY_PROFILE || "default";
console.log(`::: forge ${args.join(" ")} (profile ${profile}, ${forge})`);
const started = Date.now();
const child = spawn(forge, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] });

// Echo forge's output as it comes, and keep its last summary line:
// "Ran 2 test suites in 1.2s (...): 12 tests passed, 0 failed, 0 skipped (12 total tests)".
let tail = "";
let summary = null;
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  const lines = (tail + chunk.toString("utf8")).split("\n");
  tail = lines.pop();
  for (const line of lines) scan(line);
});
function scan(line) {
  // eslint-disable-next-line no-control-regex
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  const m = /(\d+) tests? passed, (\d+) failed, (\d+) skipped/.exec(plain);
  if (m) summary = { passed: +m[1], failed: +m[2], skipped: +m[3] };
}

child.on("error", (error) => {
  console.error(`forge: cannot run ${forge}: ${error.message}`);
  if (args[0] === "test") console.log("forge: 0 passed, 1 failed");
  process.exit(1);
});
child.on("close", (code, signal) => {
  scan(tail);
  const status = code ?? 1;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`::: forge exited ${signal ?? status} after ${seconds}s`);
  if (args[0] === "test") {
    const s = summary ?? { passed: 0, failed: 0, skipped: 0 };
    // A failure without a count (compilation error, crash) still counts as one failure.
    const failed = status !== 0 && s.failed === 0 ? 1 : s.failed;
    console.log(`forge: ${s.passed} passed, ${failed} failed${s.skipped ? `, ${s.skipped} skipped` : ""}`);
  }
  process.exit(status);
});
