/**
 * Child processes for the end-to-end tests: a `hardhat node` on a free 127.0.0.1 port, and CLI commands run as a
 * user runs them. The node is killed by `cleanup()` (process group), also when a test fails.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import { startNode } from "../helpers/hardhat-node";
import type { Node } from "../helpers/hardhat-node";

export const ROOT = path.join(__dirname, "..", "..");

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `command args` in the repository with `env` added; resolves with exit code and output. */
export function run(command: string, args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** stderr without npm's own configuration warnings (they come from the machine's npmrc, not from us). */
export const errorLines = (r: Run): string[] => r.stderr.split("\n").filter((l) => l.trim() !== "" && !l.startsWith("npm warn"));

/** A local chain for one test file: a hardhat node, a temporary deployments folder, and a CLI runner. */
export class LocalChain {
  private node: Node | undefined;
  readonly deployments = fs.mkdtempSync(path.join(os.tmpdir(), "nes-cli-"));

  get url(): string {
    return this.node?.url ?? "";
  }

  get provider(): JsonRpcProvider | undefined {
    return this.node?.provider;
  }

  get env(): Record<string, string> {
    return { LOCALHOST_RPC_URL: this.url, NES_DEPLOYMENTS_DIR: this.deployments, DEPLOY_STOP_AFTER: "" };
  }

  /** Starts `hardhat node` on a free port; resolves when it answers. */
  async start(): Promise<void> {
    this.node = await startNode();
  }

  /** Restarts the node (a fresh chain on a new port); the deployments folder stays, as a user's would. */
  async restart(): Promise<void> {
    await this.node?.stop();
    this.node = await startNode();
  }

  /** Kills the node's process group and removes the temporary folder. */
  async cleanup(): Promise<void> {
    await this.node?.stop();
    this.node = undefined;
    fs.rmSync(this.deployments, { recursive: true, force: true });
  }

  /** Runs a CLI command on localhost as a user would (`npm run cli`: the compiled command line, built if stale). */
  cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return run(process.execPath, ["scripts/cli/launch.js", ...args, "--network", "localhost"], { ...this.env, ...env });
  }

  /** Runs a CLI command with --json, expects exit 0, returns the parsed document. */
  async json(args: string[], env: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const r = await this.cli([...args, "--json"], env);
    if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${errorLines(r).join(" | ")}`);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  }

  /** Moves the node's clock forward and mines a block. */
  async travel(seconds: number): Promise<void> {
    await this.provider?.send("evm_increaseTime", [seconds]);
    await this.provider?.send("evm_mine", []);
  }

  async nonce(address: string): Promise<number> {
    if (this.provider === undefined) throw new Error("not started");
    return this.provider.getTransactionCount(address);
  }
}
