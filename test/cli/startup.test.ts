import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { ROOT } from "./process";

/** Runs the command line as `npm run cli` does; returns its output and the modules it loaded. */
function runCli(args: string[]): { code: number; stdout: string; loaded: string[] } {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "nes-startup-")), "loaded.json");
  const preload = path.join(ROOT, "test", "helpers", "loaded-modules.js");
  const r = spawnSync(process.execPath, ["-r", preload, "scripts/cli/launch.js", ...args], {
    cwd: ROOT, env: { ...process.env, NES_LOADED_MODULES: out }, encoding: "utf8",
  });
  const loaded = JSON.parse(fs.readFileSync(out, "utf8")) as string[];
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  return { code: r.status ?? -1, stdout: r.stdout, loaded };
}

const from = (loaded: string[], pkg: string): string[] => loaded.filter((f) => f.includes(`${path.sep}node_modules${path.sep}${pkg}${path.sep}`));

describe("command line start-up", function () {
  before(function () {
    this.timeout(600_000);
    // Builds dist/cli now if a source changed, so the runs below measure nothing but start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require(path.join(ROOT, "scripts", "cli", "build.js")) as { ensureBuilt(): void }).ensureBuilt();
  });

  it("runs the compiled JavaScript, not TypeScript", function () {
    const { code, loaded } = runCli(["--help"]);
    expect(code).to.equal(0);
    expect(loaded.some((f) => f.includes(path.join("dist", "cli", "scripts", "cli", "index.js")))).to.equal(true);
    expect(loaded.filter((f) => f.endsWith(".ts"))).to.deep.equal([]);
    expect(from(loaded, "ts-node")).to.deep.equal([]);
  });

  it("prints the top-level help without loading ethers, Hardhat or any command group", function () {
    const { code, stdout, loaded } = runCli(["--help"]);
    expect(code).to.equal(0);
    for (const group of ["auditor", "holder", "dao", "admin", "deploy", "verify"]) expect(stdout).to.match(new RegExp(`^  ${group}\\b`, "m"));
    expect(from(loaded, "ethers")).to.deep.equal([]);
    expect(from(loaded, "hardhat")).to.deep.equal([]);
    expect(loaded.filter((f) => f.includes(`${path.sep}commands${path.sep}`))).to.deep.equal([]);
  });

  it("loads only the group named, and no Hardhat for a read command", function () {
    const { code, stdout, loaded } = runCli(["holder", "balances", "--help"]);
    expect(code).to.equal(0);
    expect(stdout).to.contain("--account");
    const groups = loaded.filter((f) => f.includes(`${path.sep}commands${path.sep}`)).map((f) => path.basename(f));
    expect(groups).to.deep.equal(["holder.js"]);
    expect(from(loaded, "hardhat")).to.deep.equal([]);
    expect(from(loaded, "@nomicfoundation")).to.deep.equal([]);
  });

  it("answers an unknown command as a usage error (exit 2) with a suggestion", function () {
    const r = spawnSync(process.execPath, ["scripts/cli/launch.js", "holdr"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain("unknown command 'holdr'").and.contain("holder");
  });
});
