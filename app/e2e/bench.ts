/**
 * `npm run bench:app` (a benchmark, not a test): the production bundle's first-load JavaScript (gzip) and the
 * median time from navigation to the first rendered proposal list and company page in headless Chromium.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { DIST, launch, seed, serveApp, startNode } from "./harness";

const LOADS = Number(process.env["BENCH_LOADS"] ?? 7);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const html = fs.readFileSync(path.join(DIST, "index.html"), "utf8");
  const entry = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
  const gz = (f: string) => zlib.gzipSync(fs.readFileSync(path.join(DIST, f))).length;
  const firstJs = entry.filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(f), 0);
  const all = fs.readdirSync(path.join(DIST, "assets")).filter((f) => f.endsWith(".js")).reduce((s, f) => s + gz(`assets/${f}`), 0);
  console.log(`first-load JS: ${(firstJs / 1024).toFixed(1)} kB gzip (target <= 250 kB); all JS chunks: ${(all / 1024).toFixed(1)} kB gzip`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-bench-app-"));
  const node = await startNode();
  try {
    const story = await seed(node, work);
    const app = await serveApp(node.url, story);
    const browser = await launch();
    const times: Record<string, number[]> = { "proposal list": [], "company page": [] };
    for (let i = 0; i < LOADS; i++) {
      for (const [name, route, ready] of [
        ["proposal list", "dao", (p: import("playwright-core").Page) => p.getByRole("table", { name: "Proposals" }).getByRole("link").first().waitFor()],
        ["company page", `company/${story.accounts["acme"]}`, (p: import("playwright-core").Page) => p.getByRole("table", { name: "Tokens held" }).getByRole("row").nth(1).waitFor()],
      ] as const) {
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
