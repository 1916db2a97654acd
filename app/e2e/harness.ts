/**
 * What the browser tests, the bench, the screenshots and `npm run demo:app` share: a Hardhat node on a free port,
 * the seed story, a static server for app/dist (deployment.json with the seed's record, /rpc proxied to the node),
 * Debian's Chromium driven by playwright-core with the flags this closed network needs, and all of them together
 * for the bench and the screenshots.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import type { BrowserContext, Page } from "playwright-core";

export const ROOT = path.resolve(__dirname, "..", "..");
export const DIST = path.join(ROOT, "app", "dist");

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

export async function rpc(url: string, method: string, params: unknown[] = []): Promise<unknown> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
  const body = (await res.json()) as { result?: unknown; error?: { message: string } };
  if (body.error !== undefined) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

export interface Node { url: string; process: ChildProcess; stop(): Promise<void> }

/** `npx hardhat node` on a free loopback port, stopped by its process group. */
export async function startNode(log = false): Promise<Node> {
  const port = await freePort();
  const child = spawn("npx", ["hardhat", "node", "--hostname", "127.0.0.1", "--port", String(port)], { cwd: ROOT, detached: true, stdio: log ? "inherit" : "ignore", env: { ...process.env, NODE_OPTIONS: "" } });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 90_000;
  for (;;) {
    try {
      await rpc(url, "eth_chainId");
      break;
    } catch {
      if (Date.now() > until || child.exitCode !== null) throw new Error("hardhat node did not start");
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  return {
    url, process: child,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid, "SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    },
  };
}

export interface Seed {
  record: string;
  accounts: Record<string, string>;
  tokens: { offset: string; rec: string };
  retirement: { tx: string; logIndex: number; name: string; salt: string };
  proposals: Record<"offsets" | "correction" | "plain" | "criteria" | "verdict", string>;
  claimId: string;
}

/** Runs the project's demo story (scripts/demo.ts) against the node; returns its record and the names of its accounts. */
export async function demo(node: Node, dir: string): Promise<Site> {
  const record = path.join(dir, "deployment.json");
  const labels = path.join(dir, "labels.json");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npx", ["hardhat", "run", "--network", "localhost", "scripts/demo.ts"], {
      cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_OPTIONS: "", LOCALHOST_RPC_URL: node.url, DEMO_RECORD: record, DEMO_LABELS: labels },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`the demo exited with ${code}`))));
  });
  return { record, labels: JSON.parse(fs.readFileSync(labels, "utf8")) as Record<string, string> };
}

/** Runs app/e2e/seed.ts against the node; returns the story (accounts, tokens, proposals, record file). */
export async function seed(node: Node, dir: string): Promise<Seed> {
  const out = path.join(dir, "seed.json");
  const record = path.join(dir, "deployment.json");
  await new Promise<void>((resolve, reject) => {
    const child = spawn("npx", ["hardhat", "run", "--network", "localhost", "app/e2e/seed.ts"], {
      cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, NODE_OPTIONS: "", LOCALHOST_RPC_URL: node.url, SEED_OUT: out, SEED_RECORD: record },
    });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`seed exited with ${code}`))));
  });
  return JSON.parse(fs.readFileSync(out, "utf8")) as Seed;
}

export const LABELS: Record<string, string> = {
  acme: "ACME Manufacturing", bluewater: "Bluewater Logistics", member1: "DAO member 1", member2: "DAO member 2", member3: "DAO member 3",
  project: "Project RF-12", auditor: "Auditor", recIssuer: "GreenGrid", registrar: "Registrar",
};

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png" };

/** What the app is served with: a deployment record file and names of accounts. */
export interface Site { record: string; labels: Record<string, string> }

/** Serves app/dist with the deployment record (the seed's, or any with its labels) and the node behind /rpc. */
export async function serveApp(nodeUrl: string, s: Seed | Site, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const record = JSON.parse(fs.readFileSync(s.record, "utf8")) as Record<string, unknown>;
  const labels = "labels" in s ? s.labels
    : Object.fromEntries(Object.entries(s.accounts).filter(([k]) => LABELS[k] !== undefined).map(([k, a]) => [a, LABELS[k] as string]));
  const deployment = JSON.stringify({ ...record, rpcUrl: "/rpc", labels });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    if (url.pathname === "/rpc") {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        fetch(nodeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) })
          .then(async (r) => {
            res.writeHead(r.status, { "content-type": "application/json" });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch((e: unknown) => {
            res.writeHead(502);
            res.end(String(e));
          });
      });
      return;
    }
    if (url.pathname === "/deployment.json") {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(deployment);
      return;
    }
    const file = path.join(DIST, url.pathname === "/" ? "index.html" : path.normalize(url.pathname));
    if (!file.startsWith(DIST) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404);
      res.end("not found");
      return;
    }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const actual = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${actual}/`, close: () => new Promise((r) => server.close(() => r())) };
}

export const CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** Debian's Chromium with a fresh user-data dir, downloads accepted. */
export async function launch(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nes-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", headless: true, args: CHROMIUM_FLAGS, acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  });
  return { context, close: async () => { await context.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
}

/** The seeded app in headless Chromium: its node, the seed story, the served app and the browser. */
export interface SeededApp {
  node: Node;
  story: Seed;
  app: { url: string; close(): Promise<void> };
  browser: { context: BrowserContext; close(): Promise<void> };
}

/**
 * Starts a node, seeds it (work files in a new temporary directory named from `prefix`), serves the app against it
 * and launches Chromium; runs `use`, then closes the browser and the app; the node stops and the work directory
 * goes in any case.
 */
export async function withSeededApp(prefix: string, use: (s: SeededApp) => Promise<void>): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const node = await startNode();
  try {
    const story = await seed(node, work);
    const app = await serveApp(node.url, story);
    const browser = await launch();
    await use({ node, story, app, browser });
    await browser.close();
    await app.close();
  } finally {
    await node.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** When a page of the seeded app shows its data: the first link of the proposal list, the first token a company holds. */
export const rendered = {
  proposalList: (page: Page) => page.getByRole("table", { name: "Proposals" }).getByRole("link").first().waitFor(),
  companyTokens: (page: Page) => page.getByRole("table", { name: "Tokens held" }).getByRole("row").nth(1).waitFor(),
};

/** Runs a command-line script's `main`: an error is printed and exits 1. */
export function runMain(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's serious and critical violations on the page, as lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return result.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.help} (${v.targets.join(", ")})`);
}
