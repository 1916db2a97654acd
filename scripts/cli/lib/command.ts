/**
 * The thin command layer's shared pieces: common options on every command, and an action wrapper that turns
 * UsageError into exit code 2 and CommandError into exit code 1, each as one line on stderr.
 */
import type { Command } from "commander";
import { Option } from "commander";
import type { GlobalOptions } from "./context";
import { NETWORKS } from "./context";
import { EXIT_FAILURE, EXIT_USAGE, UsageError, CommandError } from "./errors";

/** Adds --network, --from, --key-env, --yes and --json to a command. */
export function withCommon(cmd: Command): Command {
  return cmd
    .addOption(new Option("--network <name>", `network: ${NETWORKS.join(", ")}`).default("localhost"))
    .option("--from <account>", "sending account: index or address of a node account (local networks)")
    .option("--key-env <VAR>", "environment variable holding the sender's private key (live networks; default DEPLOYER_PRIVATE_KEY)")
    .option("--yes", "send without asking for confirmation on a live network")
    .option("--json", "print machine-readable JSON and nothing else on stdout");
}

/** The common options of a command, typed. */
export function globalOptions(opts: Record<string, unknown>): GlobalOptions {
  const str = (k: string): string | undefined => (typeof opts[k] === "string" ? (opts[k] as string) : undefined);
  return {
    network: str("network") ?? "localhost",
    from: str("from"),
    keyEnv: str("keyEnv"),
    yes: opts["yes"] === true,
    json: opts["json"] === true,
  };
}

/** Reads a string option that commander guarantees for required options. */
export function opt(opts: Record<string, unknown>, key: string): string {
  const v = opts[key];
  if (typeof v !== "string") throw new UsageError(`--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: required`);
  return v;
}

/** An optional string option. */
export function optional(opts: Record<string, unknown>, key: string): string | undefined {
  const v = opts[key];
  return typeof v === "string" ? v : undefined;
}

/** Prints the failure line and sets the exit code. */
export function reportFailure(error: unknown): number {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    return EXIT_USAGE;
  }
  if (error instanceof CommandError) {
    console.error(`error: ${error.message}`);
    return EXIT_FAILURE;
  }
  if (process.env["NES_DEBUG"]) console.error(error);
  const message = error instanceof Error ? error.message.split("\n")[0] ?? error.message : String(error);
  console.error(`error: ${message}`);
  return EXIT_FAILURE;
}

/** Wraps an async action: the options of the command (with common ones) in, exit code out. */
export function action(handler: (opts: Record<string, unknown>, g: GlobalOptions) => Promise<void | number>) {
  return async function (this: Command): Promise<void> {
    const opts = this.opts<Record<string, unknown>>();
    const g = globalOptions(opts);
    if (g.json) {
      // --json: stdout carries the one JSON document only; anything a library logs goes to stderr.
      console.log = (...args: unknown[]) => console.error(...args);
      console.info = console.log;
    }
    try {
      const code = await handler(opts, g);
      process.exitCode = typeof code === "number" ? code : 0;
    } catch (error) {
      process.exitCode = reportFailure(error);
    }
  };
}
