/** Screenshots for app/README.md: docs/screenshots/*.png, from the seeded app in headless Chromium. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { launch, ROOT, seed, serveApp, startNode } from "./harness";

async function main(): Promise<void> {
  const out = path.join(ROOT, "docs", "screenshots");
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-shots-"));
  const node = await startNode();
  try {
    const story = await seed(node, work);
    const app = await serveApp(node.url, story);
    const browser = await launch();
    const page = await browser.context.newPage();
    const shots: [string, string, () => Promise<void>][] = [
      ["company", `company/${story.accounts["acme"]}`, () => page.getByRole("table", { name: "Tokens held" }).getByRole("row").nth(1).waitFor()],
      ["certificate", `certificate/${story.retirement.tx}/${story.retirement.logIndex}`, () => page.getByText(/Verified against the chain/).waitFor()],
      ["dao", "dao", () => page.getByRole("table", { name: "Proposals" }).getByRole("link").first().waitFor()],
      ["proposal", `proposal/${story.proposals.criteria}`, () => page.getByRole("table", { name: "Votes" }).getByRole("row").nth(1).waitFor()],
      ["token", `token/${story.tokens.offset}`, () => page.getByRole("table", { name: "History" }).getByRole("row").nth(1).waitFor()],
      ["explorer", "explorer", () => page.getByRole("table", { name: "Tokens" }).getByRole("row").nth(1).waitFor()],
    ];
    await page.goto(app.url);
    await page.getByLabel("Development account").selectOption("4");
    for (const [name, route, ready] of shots) {
      await page.goto(`${app.url}#/${route}`);
      await ready();
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(out, `${name}.png`), fullPage: true });
      console.log(`docs/screenshots/${name}.png`);
    }
    await browser.close();
    await app.close();
  } finally {
    await node.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
