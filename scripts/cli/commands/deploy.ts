/**
 * Deployer commands: deploy (Hardhat Ignition, resumable from its journal; `--finish` for the handover after the
 * ledger's admin-transfer delay; `--verify`) and verify the deployed contracts on the network's explorer.
 */
import fs from "node:fs";
import type { Command } from "commander";
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import { loadParameters } from "../../../deploy/parameters";
import { deploymentPath, readDeployment, writeDeployment } from "../../lib/deployment";
import type { ContractName, DeploymentRecord } from "../../lib/deployment";
import { action, optional, withCommon } from "../lib/command";
import { DEFAULT_KEY_VAR, connect, deploymentsDir, loadHardhat } from "../lib/context";
import { CommandError, UsageError, need } from "../lib/errors";
import { emit, table } from "../lib/output";

const DEVELOPMENT = ["hardhat", "localhost"];

export function registerDeploy(program: Command): void {
  withCommon(program.command("deploy").description("deploy and wire the whole suite with Hardhat Ignition; re-run to resume after an interruption"))
    .option("--parameters <file>", "Ignition parameters file (default deploy/ignition/parameters/<network>.json)")
    .option("--finish", "the handover once the ledger's admin-transfer delay has passed (the timelock accepts; the deployer renounces)")
    .option("--verify", "then verify every contract on the network's explorer (as the verify command)")
    .action(action(async (opts, g) => {
      if (g.network === "hardhat") {
        throw new UsageError("--network hardhat: the in-process chain ends with the command; use localhost (npm run node) or npm run demo");
      }
      if (g.keyEnv !== undefined && g.keyEnv !== DEFAULT_KEY_VAR) {
        throw new UsageError(`--key-env ${g.keyEnv}: deploy signs through Hardhat's network settings, which take the key from ${DEFAULT_KEY_VAR}`);
      }
      const parameters = need(loadParameters(g.network, optional(opts, "parameters")));
      const ctx = await connect(g, false);
      const dir = deploymentsDir();
      const { deploySuite, deployerPowers, ignitionAddresses, ignitionDeploymentDir, CONTRACT_FUTURES } = await import("../../../deploy/suite");
      const journal = ignitionDeploymentDir(ctx.chainId, process.env["NES_DEPLOYMENTS_DIR"] ? dir : undefined);

      // A development node restarted since the last deployment: its journal and record describe contracts that are gone.
      const recorded = ignitionAddresses(journal)[CONTRACT_FUTURES.CarbonLedger];
      if (recorded !== undefined && (await ctx.provider.getCode(recorded)) === "0x") {
        if (!DEVELOPMENT.includes(g.network)) {
          throw new CommandError(`--network ${g.network}: Ignition's journal ${journal} names a ledger at ${recorded} that has no code on chain ${ctx.chainId}`);
        }
        console.error(`the deployment in ${journal} is not on this chain (the node was restarted): deploying afresh`);
        fs.rmSync(journal, { recursive: true, force: true });
        fs.rmSync(deploymentPath(g.network, dir), { force: true });
      }
      const finishOnly = opts["finish"] === true;
      const existing = readDeployment(g.network, dir);
      if (existing !== undefined && existing.ignition === undefined && !DEVELOPMENT.includes(g.network)) {
        // A record from before Ignition has no journal: deploying now would create a second suite beside it.
        throw new UsageError(`--network ${g.network}: ${deploymentPath(g.network, dir)} records a deployment made without Hardhat Ignition; move it away to deploy a new suite`);
      }
      if (ctx.live && g.yes !== true && existing?.completedAt === undefined) {
        if (!process.stdin.isTTY) throw new UsageError("--yes: deploying to a live network sends transactions; confirm with --yes when not on a terminal");
        const readline = await import("node:readline");
        const rl = readline.createInterface({ input: process.stdin, output: process.stderr });
        const what = finishOnly ? "Finish the handover of the suite" : "Deploy the suite";
        const answer = await new Promise<string>((r) => rl.question(`${what} on ${g.network} (chain ${ctx.chainId}) from ${ctx.from}? [y/N] `, r));
        rl.close();
        if (!/^y(es)?$/i.test(answer.trim())) throw new CommandError("cancelled; nothing was sent");
      }
      const hre = await loadHardhat(g.network);
      let result;
      try {
        result = await deploySuite({
          hre, deployer: ctx.from, network: g.network, parameters, deploymentDir: journal, finishOnly,
          save: (record) => writeDeployment(record, dir), log: (line) => console.error(line),
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new CommandError(`${message}\nIgnition's journal is in ${journal}; fix the cause and re-run the same command to resume`);
      }
      const powers = result.complete ? await deployerPowers(ctx.provider, result.record) : [];
      if (powers.length > 0) throw new CommandError(`the deployer still holds: ${powers.join(", ")}`);
      const contracts = Object.fromEntries(Object.entries(result.record.contracts).map(([k, v]) => [k, v?.address]));
      const finishCommand = `npm run deploy -- --network ${g.network} --finish`;
      const waitUntil = result.waitUntil === undefined ? undefined : new Date(result.waitUntil * 1000).toISOString();
      const verified = result.complete && opts["verify"] === true ? await verifyAll(hre, g.network, result.record) : undefined;
      emit(g.json === true, {
        network: g.network, chainId: result.record.chainId, complete: result.complete, ran: result.ran, skipped: result.skipped,
        contracts, record: deploymentPath(g.network, dir), ignition: journal, waitUntil, finish: waitUntil === undefined ? undefined : finishCommand,
        deployerRoles: powers, verified,
      }, () => [
        `${result.complete ? "deployed" : "deployed, handover pending"} on ${g.network} (chain ${result.record.chainId}); record ${deploymentPath(g.network, dir)}`,
        ...table(["contract", "address"], Object.entries(contracts).map(([k, v]) => [k, v ?? ""])),
        `Ignition futures run now: ${result.ran.length}; already done: ${result.skipped.length}${result.complete ? "; the timelock holds the ledger's admin; the deployer holds no role" : ""}`,
        ...(waitUntil === undefined ? [] : [`the ledger's admin transfer to the timelock can be accepted from ${waitUntil}: wait until then, then run \`${finishCommand}\``]),
        ...(verified === undefined ? [] : table(["contract", "address", "verification"], verified.map((r) => [r.contract, r.address, r.message]))),
      ]);
      return verified !== undefined && !verified.every((r) => r.ok) ? 1 : 0;
    }));

  withCommon(program.command("verify").description("verify the deployed contracts' source: Etherscan v2 (gnosis, sepolia; ETHERSCAN_API_KEY), Blockscout (chiado)"))
    .action(action(async (_opts, g) => {
      const ctx = await connect(g);
      const record = ctx.record;
      if (record === undefined) throw new UsageError(`--network ${g.network}: no deployment record`);
      const results = await verifyAll(await loadHardhat(g.network), g.network, record);
      emit(g.json === true, { results }, () => table(["contract", "address", "result"], results.map((r) => [r.contract, r.address, r.message])));
      return results.every((r) => r.ok) ? 0 : 1;
    }));
}

/** Networks whose explorer is a Blockscout instance; the others verify on Etherscan's v2 API (one key for every chain). */
const BLOCKSCOUT_NETWORKS = ["chiado"];

/** Verifies every contract of the record with its constructor arguments, through hardhat-verify. */
async function verifyAll(hre: HardhatRuntimeEnvironment, network: string, record: DeploymentRecord) {
  const blockscout = BLOCKSCOUT_NETWORKS.includes(network);
  // One explorer per network: hardhat-verify otherwise tries every enabled one.
  hre.config.etherscan.enabled = !blockscout;
  hre.config.blockscout.enabled = blockscout;
  if (!blockscout && hre.config.etherscan.apiKey === "") {
    throw new UsageError(`--network ${network}: set ETHERSCAN_API_KEY (in .env or the environment): Etherscan's v2 API takes one key for every chain`);
  }
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
  return results;
}
