/** Screenshots for app/README.md: docs/screenshots/*.png, from the seeded app in headless Chromium. */
import fs from "node:fs";
import path from "node:path";
import { ROOT, rendered, runMain, withSeededApp } from "./harness";

async function main(): Promise<void> {
  const out = path.join(ROOT, "docs", "screenshots");
  fs.mkdirSync(out, { recursive: true });
  await withSeededApp("nes-shots-", async ({ story, app, browser }) => {
    const page = await browser.context.newPage();
    const shots: [string, string, () => Promise<void>][] = [
      ["company", `company/${story.accounts["acme"]}`, () => rendered.companyTokens(page)],
      ["certificate", `certificate/${story.retirement.tx}/${story.retirement.logIndex}`, () => page.getByText(/Verified against the chain/).waitFor()],
      ["dao", "dao", () => rendered.proposalList(page)],
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
  });
}

runMain(main);
