#!/usr/bin/env node
/**
 * `npm run oracle`: runs the oracle's compiled command line (dist/cli/scripts/oracle/cli.js), building it first when
 * a source changed (scripts/cli/build.js, shared with the command line). The TypeScript entry,
 * scripts/oracle/cli.ts, also runs under ts-node (`npm run oracle:dev`).
 */
"use strict";
const { ensureBuilt, ORACLE_ENTRY } = require("../cli/build");

try {
  ensureBuilt();
} catch (error) {
  process.stderr.write(`error: ${error.message}\n`);
  process.exit(1);
}
require(ORACLE_ENTRY)
  .main(process.argv)
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`oracle: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
