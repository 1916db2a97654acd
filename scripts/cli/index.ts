#!/usr/bin/env node
/**
 * The suite's command line: `npm run -s cli -- <group> <command> [options]`.
 *
 * Groups follow the users: auditor, holder, dao, admin, and deploy. Every command has --help, --network,
 * --json. Exit codes: 0 done, 1 the chain rejected it or it failed, 2 a bad argument (nothing sent).
 */
import "dotenv/config";
import { Command, CommanderError } from "commander";
import { registerAuditor } from "./commands/auditor";
import { registerHolder } from "./commands/holder";
import { registerAdmin } from "./commands/admin";
import { registerDeploy } from "./commands/deploy";
import { registerDao } from "./commands/dao";
import { EXIT_USAGE } from "./lib/errors";

/** Builds the program; `output` redirects commander's own help and error output (tests). */
export function buildProgram(output?: { writeOut(s: string): void; writeErr(s: string): void }): Command {
  const program = new Command("cli")
    .description("Carbon ledger, climate DAO and deployment commands. Amounts like 12.5t, 830kg, 4.2MWh; dates YYYY-MM-DD (UTC).")
    .exitOverride();
  registerAuditor(program);
  registerHolder(program);
  registerDao(program);
  registerAdmin(program);
  registerDeploy(program);
  // Subcommands inherit exitOverride only when created after it; apply it to all, recursively.
  const all = (cmd: Command): void => {
    cmd.exitOverride();
    if (output !== undefined) cmd.configureOutput(output);
    cmd.commands.forEach(all);
  };
  all(program);
  return program;
}

async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
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

if (require.main === module) {
  main(process.argv).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
