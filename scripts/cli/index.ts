#!/usr/bin/env node
/**
 * The suite's command line: `npm run -s cli -- <group> <command> [options]`.
 *
 * Groups follow the users: auditor, holder, dao, admin, and deploy. Every command has --help, --network,
 * --json. Exit codes: 0 done, 1 the chain rejected it or it failed, 2 a bad argument (nothing sent).
 *
 * Start-up is kept short: `npm run cli` runs the compiled JavaScript (scripts/cli/launch.js builds it when the
 * sources changed), only the group named on the command line is loaded (ethers, the contracts' ABIs), and
 * Hardhat's runtime only by the commands that need it (deploy, verify). The top-level help is built from
 * `commands.json`, the groups' names and descriptions written beside the compiled entry by the build.
 */
import fs from "node:fs";
import path from "node:path";
import { Command, CommanderError } from "commander";

/** lib/errors' EXIT_USAGE; not imported, as lib/errors loads ethers. */
const EXIT_USAGE = 2;

type Register = (program: Command) => void;

/* eslint-disable @typescript-eslint/no-require-imports */
/** Each top-level command and how to load its group (a module registers one group; deploy also registers verify). */
const GROUPS: Record<string, () => Register> = {
  auditor: () => (require("./commands/auditor") as typeof import("./commands/auditor")).registerAuditor,
  holder: () => (require("./commands/holder") as typeof import("./commands/holder")).registerHolder,
  dao: () => (require("./commands/dao") as typeof import("./commands/dao")).registerDao,
  admin: () => (require("./commands/admin") as typeof import("./commands/admin")).registerAdmin,
  deploy: () => (require("./commands/deploy") as typeof import("./commands/deploy")).registerDeploy,
};
/* eslint-enable @typescript-eslint/no-require-imports */
const MODULE_OF: Record<string, string> = { verify: "deploy" };

/** A top-level command as the help lists it. */
export interface CommandSummary {
  name: string;
  term: string;
  description: string;
}

export const SUMMARY_FILE = path.join(__dirname, "commands.json");

const DESCRIPTION = "Carbon ledger, climate DAO and deployment commands. Amounts like 12.5t, 830kg, 4.2MWh; dates YYYY-MM-DD (UTC).";

/** The top-level commands of the full program (written to commands.json by the build). */
export function summarize(program: Command): CommandSummary[] {
  const help = program.createHelp();
  return program.commands.map((c) => ({ name: c.name(), term: help.subcommandTerm(c), description: c.description() }));
}

function readSummary(): CommandSummary[] | undefined {
  try {
    const value: unknown = JSON.parse(fs.readFileSync(SUMMARY_FILE, "utf8"));
    if (!Array.isArray(value)) return undefined;
    const ok = value.every((v: unknown) => typeof v === "object" && v !== null
      && ["name", "term", "description"].every((k) => typeof (v as Record<string, unknown>)[k] === "string"));
    return ok ? (value as CommandSummary[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Builds the program; `output` redirects commander's own help and error output (tests). With `argv`, only the
 * group it names is loaded; a command line naming no group (top-level help, an unknown command) gets the groups
 * as stubs from commands.json when the build wrote one.
 */
export function buildProgram(output?: { writeOut(s: string): void; writeErr(s: string): void }, argv?: string[]): Command {
  const program = new Command("cli").description(DESCRIPTION).exitOverride();
  const first = argv?.[2];
  const group = first === undefined ? undefined : (MODULE_OF[first] ?? first);
  const load = group === undefined ? undefined : GROUPS[group];
  const summary = argv !== undefined && load === undefined ? readSummary() : undefined;
  if (load !== undefined) load()(program);
  else if (summary !== undefined) {
    for (const c of summary) program.command(c.name).description(c.description);
    const terms = new Map(summary.map((c) => [c.name, c.term]));
    program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd.name()) ?? cmd.name() });
  } else {
    for (const register of Object.values(GROUPS)) register()(program);
  }
  // Subcommands inherit exitOverride only when created after it; apply it to all, recursively.
  const all = (cmd: Command): void => {
    cmd.exitOverride();
    if (output !== undefined) cmd.configureOutput(output);
    cmd.commands.forEach(all);
  };
  all(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("dotenv/config");
  const program = buildProgram(undefined, argv);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; any parsing problem (missing or unknown option, unknown command) is a usage error.
      return error.exitCode === 0 ? 0 : EXIT_USAGE;
    }
    throw error;
  }
  return typeof process.exitCode === "number" ? process.exitCode : 0;
}

/** Runs the command line on `argv` and exits with its code. */
export function run(argv: string[]): void {
  main(argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

if (require.main === module) run(process.argv);
