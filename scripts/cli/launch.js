#!/usr/bin/env node
/**
 * `npm run cli` and `npm run deploy`: runs the compiled command line (dist/cli), building it first when a source
 * changed (scripts/cli/build.js). The TypeScript entry, scripts/cli/index.ts, also runs under ts-node (`npm run cli:dev`).
 */
"use strict";
const { ensureBuilt, ENTRY } = require("./build");

try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
require(ENTRY).run(process.argv);
