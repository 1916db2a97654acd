/**
 * `npm run bench:app` (a benchmark, not a test): the production bundle's first-load JavaScript (gzip) and the
 * median time from navigation to the first rendered proposal list and company page in headless Chromium.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import type { Page } from "playwright-core";
import { DIST, rendered, runMain, withSeededApp } from "./harness";

const LOADS = Number(process.env["BENCH_LOADS"] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const html = fs.readFileSync(path.join(DIST, "index.html"), "utf8");
  const entry = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const gz = (f: string) => zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).length;
  const firstJs = entry.filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(f), 0);
  const all = fs.readdirSync(path.join(DIST, "assets")).filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(`assets/${f}`), 0);
  console.log(`first-load JS: ${(firstJs / 1024).toFixed(1)} kB gzip (target <= 250 kB); all JS chunks: ${(all / 1024).toFixed(1)} kB gzip`);

  await withSeededApp("nes-bench-app-", async ({ story, app, browser }) => {
    const times: Record<string, number[]> = { "proposal list": [], "company page": [] };
    for (let i = 0; i < LOADS; i++) {
      for (const [name, route, ready] of [
        ["proposal list", "dao", rendered.proposalList],
        ["company page", `company/${story.accounts["acme"]}`, rendered.companyTokens],
      ] as [string, string, (p: Page) => Promise<void>][]) {
        const page = await browser.context.newPage();
        page.setDefaultTimeout(15_000);
        const t0 = Date.now();
        await page.goto(`${app.url}#/${route}`);
        await ready(page);
        times[name]?.push(Date.now() - t0);
        await page.close();
      }
    }
    for (const [name, xs] of Object.entries(times)) console.log(`${name}: median ${median(xs)} ms over ${xs.length} loads (target <= 1000 ms); all ${xs.join(", ")}`);
  });
}

runMain(main);
