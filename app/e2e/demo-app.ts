/**
 * `npm run demo:app`: a local Hardhat node, the suite deployed with the seed story (app/e2e/seed.ts, until
 * scripts/demo.ts is updated for the new ledger), the built app served, its URL printed; Ctrl-C stops it all.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { LABELS, seed, serveApp, startNode } from "./harness";

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-demo-app-"));
  console.log("starting a local Hardhat node…");
  const node = await startNode();
  console.log(`node at ${node.url}; deploying the suite and running the story…`);
  const story = await seed(node, work);
  const app = await serveApp(node.url, story, Number(process.env["APP_PORT"] ?? 5174));
  console.log(`\nThe app is running at ${app.url}\n`);
  console.log("Pick a development account in the header to act as:");
  for (const [key, label] of Object.entries(LABELS)) {
    const index = ["deployer", "registrar", "auditor", "recIssuer", "acme", "bluewater", "member1", "member2", "member3", "project"].indexOf(key);
    console.log(`  #${index} ${label} (${story.accounts[key]})`);
  }
  console.log(`\nCompany page: ${app.url}#/company/${story.accounts["acme"]}\nDAO: ${app.url}#/dao\nExplorer: ${app.url}#/explorer`);
  console.log("Open proposals close after 5 minutes of chain time. Ctrl-C to stop.");
  const stop = async () => {
    await app.close();
    await node.stop();
    fs.rmSync(work, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", () => void stop());
  process.on("SIGTERM", () => void stop());
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
