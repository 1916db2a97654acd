/**
 * A `npx hardhat node` on a free 127.0.0.1 port for the end-to-end tests, killed afterwards (process group), also
 * when a test fails. Shared by the oracle and command-line suites.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { JsonRpcProvider } from "ethers";

export const ROOT = path.join(__dirname, "..", "..");

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface Node {
  url: string;
  port: number;
  provider: JsonRpcProvider;
  stop(): Promise<void>;
}

/** Starts `npx hardhat node` on a free port (retrying if the port was taken meanwhile). */
export async function startNode(): Promise<Node> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    const child = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const started = await new Promise<boolean>((resolve) => {
      let out = "";
      const onData = (b: Buffer) => {
        out += b.toString();
        if (out.includes("Started HTTP")) resolve(true);
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.on("exit", () => resolve(false));
      setTimeout(() => resolve(false), 60_000);
    });
    if (started) {
      child.stdout?.resume();
      child.stderr?.resume();
      const url = `http://127.0.0.1:${port}`;
      const provider = new JsonRpcProvider(url, 31337, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
      return { url, port, provider, stop: () => { provider.destroy(); return kill(child); } };
    }
    await kill(child);
    if (attempt >= 2) throw new Error("could not start npx hardhat node");
  }
}

/** Kills a detached child and its process group (npx -> node), and waits for it to exit. */
export function kill(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      try {
        child.kill(signal);
      } catch {
        /* already gone */
      }
    }
  });
}
