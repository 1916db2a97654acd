/**
 * Builds the command line and the oracle's into dist/cli (tsc with tsconfig.cli.json), so that it starts as plain JavaScript: no
 * ts-node, no Hardhat runtime. `ensureBuilt()` rebuilds only when a source is newer than the last build (a few
 * hundred file dates, milliseconds); it first compiles the contracts when their artifacts or TypeChain types are
 * missing (a fresh clone).
 *
 * Run directly (`npm run build:cli`) to build now. Plain JavaScript on purpose: it runs before anything is compiled.
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { spawnSync } = require("node:child_process");

const ROOT = path.join(__dirname, "..", "..");
const OUT = path.join(ROOT, "dist", "cli");
const ENTRY = path.join(OUT, "scripts", "cli", "index.js");
/** The oracle's command line (`npm run oracle`), built in the same run. */
const ORACLE_ENTRY = path.join(OUT, "scripts", "oracle", "cli.js");
const STAMP = path.join(OUT, ".built");
const LOCK = path.join(OUT, ".building");
/** What the build reads: a change to any of these rebuilds. */
const SOURCES = ["scripts", "deploy", "typechain-types"];
const SOURCE_FILES = ["tsconfig.json", "tsconfig.cli.json", "package.json", "scripts/cli/build.js"];

/** The newest modification time (ms) of the TypeScript sources and build settings. */
function newestSource() {
  let newest = 0;
  const visit = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) visit(p);
      else if (e.name.endsWith(".ts")) newest = Math.max(newest, fs.statSync(p).mtimeMs);
    }
  };
  for (const d of SOURCES) visit(path.join(ROOT, d));
  for (const f of SOURCE_FILES) {
    try {
      newest = Math.max(newest, fs.statSync(path.join(ROOT, f)).mtimeMs);
    } catch {
      /* optional */
    }
  }
  return newest;
}

function isFresh() {
  try {
    return fs.existsSync(ENTRY) && fs.existsSync(ORACLE_ENTRY) && fs.statSync(STAMP).mtimeMs >= newestSource();
  } catch {
    return false;
  }
}

function runNode(args, what) {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", 2, 2] });
  if (r.status !== 0 && what !== undefined) throw new Error(`${what} failed (exit ${r.status}); see the output above`);
  return r.status === 0;
}

/** Compiles the contracts (artifacts, TypeChain types) when they are missing, then the command line. */
function build() {
  const artifact = path.join(ROOT, "artifacts", "contracts", "ledger", "CarbonLedger.sol", "CarbonLedger.json");
  if (!fs.existsSync(path.join(ROOT, "typechain-types", "index.ts")) || !fs.existsSync(artifact)) {
    process.stderr.write("compiling the contracts first (npx hardhat compile)...\n");
    runNode([require.resolve("hardhat/internal/cli/bootstrap.js", { paths: [ROOT] }), "compile", "--quiet"], "hardhat compile");
  }
  process.stderr.write("building the command line (tsc -p tsconfig.cli.json)...\n");
  const started = Date.now();
  const typed = runNode([require.resolve("typescript/bin/tsc", { paths: [ROOT] }), "-p", path.join(ROOT, "tsconfig.cli.json")]);
  if (!fs.existsSync(ENTRY) || !fs.existsSync(ORACLE_ENTRY)) throw new Error("the command line did not build; see the errors above");
  if (!typed) process.stderr.write("warning: type errors above (npx tsc --noEmit); the JavaScript was emitted anyway\n");
  // The top-level commands for the help, which is then printed without loading any group.
  const cli = require(ENTRY);
  fs.writeFileSync(cli.SUMMARY_FILE, JSON.stringify(cli.summarize(cli.buildProgram()), null, 2) + "\n");
  fs.writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  process.stderr.write(`built dist/cli in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Builds unless fresh; one build at a time (other runs wait for it). */
function ensureBuilt(force = false) {
  if (!force && isFresh()) return;
  fs.mkdirSync(OUT, { recursive: true });
  for (const started = Date.now(); ; ) {
    try {
      fs.mkdirSync(LOCK);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      // A build older than ten minutes was interrupted: take its place.
      if (Date.now() - fs.statSync(LOCK).mtimeMs > 600_000) fs.rmSync(LOCK, { recursive: true, force: true });
      if (Date.now() - started > 900_000) throw new Error(`waited too long for another build (${LOCK})`);
      sleep(250);
    }
  }
  try {
    if (force || !isFresh()) build();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

module.exports = { ensureBuilt, ENTRY, ORACLE_ENTRY, OUT };

if (require.main === module) {
  try {
    ensureBuilt(process.argv.includes("--force"));
  } catch (error) {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(1);
  }
}
