/**
 * Preloaded with `node -r` by test/cli/startup.test.ts: writes the files the process loaded (require's cache) to
 * the file NES_LOADED_MODULES names, when it exits.
 */
"use strict";
const fs = require("node:fs");

process.on("exit", () => {
  const out = process.env["NES_LOADED_MODULES"];
  if (out) fs.writeFileSync(out, JSON.stringify(Object.keys(require.cache)));
});
