#!/usr/bin/env node
// A stand-in for a native `solc` binary, for Foundry (forge) offline: answers `--version` and `--standard-json`
// with the pinned solc-js compiler from the `solc` npm package (the same one hardhat.config.ts uses).
// Named as `solc` in foundry.toml; forge cannot download a native compiler here.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
const args = process.argv.slice(2);

function loadSolc() {
  return require(require.resolve("solc", { paths: [root] }));
}

if (args.includes("--version") || args.includes("-v")) {
  // Native format; forge reads the version from the last line.
  const long = loadSolc().version().replace(/\.Emscripten\.clang$/, "");
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${long}.Linux.g++\n`);
  process.exit(0);
}

if (!args.includes("--standard-json")) {
  process.stderr.write("solc-native.js: only --version and --standard-json are supported\n");
  process.exit(2);
}

// Import roots: --base-path and --include-path as forge passes them, then the project and its node_modules.
const roots = [];
for (let i = 0; i < args.length; i++) {
  const flag = args[i];
  if ((flag === "--base-path" || flag === "--include-path") && args[i + 1]) roots.push(path.resolve(args[++i]));
  else if (flag.startsWith("--base-path=") || flag.startsWith("--include-path=")) {
    roots.push(path.resolve(flag.slice(flag.indexOf("=") + 1)));
  }
}
roots.push(process.cwd(), root, path.join(root, "node_modules"));

function findImports(importPath) {
  const candidates = path.isAbsolute(importPath) ? [importPath] : roots.map((r) => path.join(r, importPath));
  for (const file of candidates) {
    try {
      return { contents: fs.readFileSync(file, "utf8") };
    } catch {
      // try the next root
    }
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
}

const input = fs.readFileSync(0, "utf8");
const output = loadSolc().compile(input, { import: findImports });
process.stdout.write(output);
