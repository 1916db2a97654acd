/**
 * `npm run demo:app`: a local Hardhat node, the project's demo story run against it (scripts/demo.ts with
 * `--network localhost`: deployment, the DAO appointing an auditor and a REC issuer, the oracle relaying the sample
 * Fabric export, RECs, offsets issued by a criteria vote, retirements, a net-zero claim decided by the DAO), the
 * built app served against that deployment, its URL printed; Ctrl-C stops it all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { demo, runMain, serveApp, startNode } from "./harness";

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-demo-app-"));
  console.log("starting a local Hardhat node…");
  const node = await startNode();
  const stop = async (code = 0) => {
    await node.stop();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(code);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
  console.log(`node at ${node.url}; running the demo story (scripts/demo.ts) against it…`);
  const site = await demo(node, work).catch(async (error: unknown) => {
    console.error(error);
    return stop(1);
  });
  const app = await serveApp(node.url, site, Number(process.env["APP_PORT"] ?? 5174));
  const byName = Object.fromEntries(Object.entries(site.labels).map(([a, n]) => [n, a]));
  console.log(`\nThe app is running at ${app.url}\n`);
  console.log("Pick a development account in the header to act as:");
  const accounts = (await (await fetch(node.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] }) })).json()) as { result: string[] };
  accounts.result.forEach((a, i) => {
    const label = site.labels[a] ?? site.labels[a.toLowerCase()] ?? Object.entries(site.labels).find(([k]) => k.toLowerCase() === a.toLowerCase())?.[1];
    if (label !== undefined) console.log(`  #${i} ${label} (${a})`);
  });
  console.log(`\nCompany page (ACME): ${app.url}#/company/${byName["ACME Manufacturing"] ?? ""}\nDAO: ${app.url}#/dao\nExplorer: ${app.url}#/explorer`);
  console.log("Ctrl-C to stop.");
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  const close = async () => {
    await app.close();
    await stop();
  };
  process.on("SIGINT", () => void close());
  process.on("SIGTERM", () => void close());
}

runMain(main);
