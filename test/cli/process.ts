/**
 * Child processes for the end-to-end tests: a `hardhat node` on a free 127.0.0.1 port, and CLI commands run as a
 * user runs them. Everything started here is killed by `stop()` (process group), also when a test fails.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { JsonRpcProvider } from "ethers";

export const ROOT = path.join(__dirname, "..", "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

/** A port that was free a moment ago on 127.0.0.1 (listen on 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

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
  node: ChildProcess | undefined;
  url = "";
  provider: JsonRpcProvider | undefined;
  readonly deployments = fs.mkdtempSync(path.join(os.tmpdir(), "nes-cli-"));

  get env(): Record<string, string> {
    return { LOCALHOST_RPC_URL: this.url, NES_DEPLOYMENTS_DIR: this.deployments, DEPLOY_STOP_AFTER: "" };
  }

  /** Starts `hardhat node` on a free port, retrying on a port race; resolves when it answers. */
  async start(): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      this.url = `http://127.0.0.1:${port}`;
      this.node = spawn(path.join(BIN, "hardhat"), ["node", "--hostname", "127.0.0.1", "--port", String(port)], {
        cwd: ROOT, stdio: "ignore", detached: true,
      });
      const provider = new JsonRpcProvider(this.url, undefined, { staticNetwork: true });
      for (let i = 0; i < 120; i++) {
        if (this.node.exitCode !== null) break;
        try {
          await provider.send("eth_chainId", []);
          this.provider = provider;
          return;
        } catch {
          await new Promise((r) => setTimeout(r, 250));
        }
      }
      provider.destroy();
      this.stop();
    }
    throw new Error("hardhat node did not start");
  }

  /** Kills the node's process group and removes the temporary folder. */
  stop(): void {
    this.provider?.destroy();
    this.provider = undefined;
    const pid = this.node?.pid;
    if (pid !== undefined && this.node?.exitCode === null) {
      try {
        process.kill(-pid, "SIGTERM");
      } catch {
        // already gone
      }
    }
    this.node = undefined;
  }

  cleanup(): void {
    this.stop();
    fs.rmSync(this.deployments, { recursive: true, force: true });
  }

  /** Runs a CLI command on localhost as a user would. */
  cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
    return run(path.join(BIN, "ts-node"), ["--transpile-only", "scripts/cli/index.ts", ...args, "--network", "localhost"], { ...this.env, ...env });
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
