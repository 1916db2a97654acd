#!/usr/bin/env node
// Fails unless contract coverage (from `npx hardhat coverage`) reaches 95% of lines and 90% of branches.
const fs = require("node:fs");
const LINES = 95;
const BRANCHES = 90;
const file = "coverage/coverage-summary.json";
if (!fs.existsSync(file)) {
  console.error(`coverage-check: ${file} not found; run \`npx hardhat coverage\` first`);
  process.exit(1);
}
const { total } = JSON.parse(fs.readFileSync(file, "utf8"));
const lines = total.lines.pct;
const branches = total.branches.pct;
console.log(`coverage: lines ${lines}% (min ${LINES}%), branches ${branches}% (min ${BRANCHES}%)`);
if (lines < LINES || branches < BRANCHES) {
  console.error("coverage-check: below the minimum");
  process.exit(1);
}
