#!/usr/bin/env node
/**
 * `npm run cli` and `npm run deploy`: runs the compiled command line (dist/cli), building it first when a source
 * changed (scripts/cli/build.js). The TypeScript entry, scripts/cli/index.ts, also runs under ts-node (`npm run cli:dev`).
 */
"use strict";
const path = require("node:path");
const { ensureBuilt, ENTRY, OUT } = require("./build");

// Node 22.1+ keeps V8's compiled code of every module loaded (ethers is most of a command's start-up); Node 20 has no
// such cache and skips this.
const { enableCompileCache } = require("node:module");
if (typeof enableCompileCache === "function") enableCompileCache(path.join(OUT, ".compile-cache"));

try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
require(ENTRY).run(process.argv);
