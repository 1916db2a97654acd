/**
 * Gas benchmark: runs each scenario on Hardhat's in-process network and compares gasUsed with
 * bench/gas-budgets.json. `npm run bench` prints a table; `npm run --silent bench -- --json` prints one
 * JSON object {"operation": gasUsed} and nothing else. Exits 1 when an operation exceeds its budget
 * (or has none), 2 on a bad flag.
 */
import fs from "node:fs";
import path from "node:path";
import type { GasScenario } from "./scenario";
import { ledgerScenarios } from "./ledger";
import { daoScenarios } from "./dao";

const SCENARIOS: GasScenario[] = [...ledgerScenarios, ...daoScenarios];

const BUDGET_FILE = path.join(__dirname, "..", "..", "bench", "gas-budgets.json");

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== "--json");
  if (unknown.length > 0) {
    console.error(`bench: unknown argument ${JSON.stringify(unknown[0])}; expected only --json`);
    return 2;
  }
  const json = args.includes("--json");
  const budgets = JSON.parse(fs.readFileSync(BUDGET_FILE, "utf8")) as Record<string, unknown>;

  // Hardhat prints compile progress on stdout; keep stdout for the result only.
  const log = console.log;
  console.log = (...a: unknown[]) => console.error(...a);
  const hre = await import("hardhat");
  await hre.run("compile", { quiet: true });
  const measured: Record<string, number> = {};
  for (const scenario of SCENARIOS) {
    Object.assign(measured, await scenario(hre));
  }
  console.log = log;

  const over: string[] = [];
  const rows = Object.entries(measured).map(([op, gas]) => {
    const budget = budgets[op];
    const ok = typeof budget === "number" && gas <= budget;
    if (!ok) over.push(op);
    return { op, gas, budget: typeof budget === "number" ? budget : undefined, ok };
  });

  if (json) {
    process.stdout.write(JSON.stringify(measured) + "\n");
  } else {
    const fmt = (n?: number) => (n === undefined ? "-" : n.toLocaleString("en-US"));
    const w = Math.max(...rows.map((r) => r.op.length), 9);
    log(`${"operation".padEnd(w)}  ${"gas".padStart(9)}  ${"budget".padStart(9)}  headroom`);
    for (const r of rows) {
      const headroom = r.budget === undefined ? "NO BUDGET" : r.ok ? `${(((r.budget - r.gas) / r.budget) * 100).toFixed(1)}%` : "OVER";
      log(`${r.op.padEnd(w)}  ${fmt(r.gas).padStart(9)}  ${fmt(r.budget).padStart(9)}  ${headroom}`);
    }
  }
  for (const op of over) console.error(`bench: ${op} uses ${measured[op]} gas, budget ${String(budgets[op] ?? "missing")}`);
  return over.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
