/** Deployer commands: deploy (resumable) and verify the deployed contracts on the network's explorer. */
import type { Command } from "commander";
import { deploySuite, deployerPowers, STEPS } from "../../../deploy/suite";
import { loadParameters } from "../../../deploy/parameters";
import { deploymentPath, readDeployment, writeDeployment } from "../../lib/deployment";
import type { ContractName } from "../../lib/deployment";
import { parseInteger } from "../lib/args";
import { action, optional, withCommon } from "../lib/command";
import { connect, deploymentsDir, loadHardhat } from "../lib/context";
import { CommandError, UsageError, need } from "../lib/errors";
import { emit, table } from "../lib/output";

export function registerDeploy(program: Command): void {
  withCommon(program.command("deploy").description("deploy and wire the whole suite; re-run to resume after an interruption"))
    .option("--parameters <file>", "parameters file (default deploy/parameters/<network>.json)")
    .action(action(async (opts, g) => {
      if (g.network === "hardhat") {
        throw new UsageError("--network hardhat: the in-process chain ends with the command; use localhost (npx hardhat node) or npm run demo");
      }
      const parameters = need(loadParameters(g.network, optional(opts, "parameters")));
      const stopText = process.env["DEPLOY_STOP_AFTER"];
      const stopAfter = stopText === undefined || stopText === "" ? undefined : need(parseInteger(stopText, "DEPLOY_STOP_AFTER", 0, STEPS.length));
      const ctx = await connect(g, false);
      const hre = await loadHardhat(g.network);
      const dir = deploymentsDir();
      const existing = readDeployment(g.network, dir);
      if (existing?.completedAt !== undefined) {
        console.error(`${g.network} is already deployed (${deploymentPath(g.network, dir)}); nothing to do`);
      }
      if (ctx.live && g.yes !== true && existing?.completedAt === undefined) {
        if (!process.stdin.isTTY) throw new UsageError("--yes: deploying to a live network sends transactions; confirm with --yes when not on a terminal");
        const readline = await import("node:readline");
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        const answer = await new Promise<string>((r) => rl.question(`Deploy the suite to ${g.network} (chain ${ctx.chainId}) from ${ctx.from}? [y/N] `, r));
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) throw new CommandError("cancelled; nothing was sent");
      }
      const result = await deploySuite({
        hre, deployer: ctx.signer, network: g.network, parameters, record: existing,
        save: (r) => writeDeployment(r, dir), stopAfter, log: (line) => console.error(line),
      });
      const powers = result.complete ? await deployerPowers(hre, result.record) : [];
      if (powers.length > 0) throw new CommandError(`the deployer still holds: ${powers.join(", ")}`);
      const contracts = Object.fromEntries(Object.entries(result.record.contracts).map(([k, v]) => [k, v?.address]));
      emit(g.json === true, {
        network: g.network, chainId: result.record.chainId, complete: result.complete, ran: result.ran, skipped: result.skipped,
        steps: result.record.steps, contracts, record: deploymentPath(g.network, dir), waitUntil: result.waitUntil, deployerRoles: powers,
      }, () => [
        `${result.complete ? "deployed" : "partly deployed"} on ${g.network} (chain ${result.record.chainId}); record ${deploymentPath(g.network, dir)}`,
        ...table(["contract", "address"], Object.entries(contracts).map(([k, v]) => [k, v ?? ""])),
        `steps run now: ${result.ran.length}; already done: ${result.skipped.length}${result.complete ? "; the deployer holds no role" : "; re-run to finish"}`,
      ]);
    }));

  withCommon(program.command("verify").description("verify the deployed contracts' source on the network's explorer (Gnosisscan, Blockscout, Etherscan)"))
    .action(action(async (_opts, g) => {
      const ctx = await connect(g);
      const hre = await loadHardhat(g.network);
      const record = ctx.record;
      if (record === undefined) throw new UsageError(`--network ${g.network}: no deployment record`);
      const results: { contract: string; address: string; ok: boolean; message: string }[] = [];
      for (const [name, entry] of Object.entries(record.contracts) as [ContractName, { address: string; args?: unknown[] }][]) {
        try {
          await hre.run("verify:verify", { address: entry.address, constructorArguments: entry.args ?? [] });
          results.push({ contract: name, address: entry.address, ok: true, message: "verified" });
        } catch (error) {
          const message = error instanceof Error ? error.message.split("\n")[0] ?? "" : String(error);
          results.push({ contract: name, address: entry.address, ok: /already verified/i.test(message), message });
        }
      }
      emit(g.json === true, { results }, () => table(["contract", "address", "result"], results.map((r) => [r.contract, r.address, r.message])));
      return results.every((r) => r.ok) ? 0 : 1;
    }));
}
