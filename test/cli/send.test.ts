import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { InterfaceAbi } from "ethers";
import type { Context } from "../../scripts/cli/lib/context";
import { sendTx } from "../../scripts/cli/lib/context";
import { CommandError, UsageError } from "../../scripts/cli/lib/errors";

describe("sending a transaction", function () {
  async function ledgerAndContext() {
    const [admin, guardian] = await hre.ethers.getSigners();
    const ledger = await hre.ethers.deployContract("CarbonLedger", [admin.address, 1]);
    await ledger.grantRole(await ledger.PAUSER_ROLE(), guardian.address);
    const abis = [(await hre.artifacts.readArtifact("CarbonLedger")).abi as InterfaceAbi];
    const context = (live: boolean, yes: boolean, signer = guardian): Context => ({
      options: { network: live ? "chiado" : "localhost", yes, json: true }, network: live ? "chiado" : "localhost",
      chainId: 31337n, live, provider: hre.ethers.provider, rpcUrl: undefined, signer, from: signer.address, accounts: [],
      record: undefined, abis,
    });
    return { ledger, admin, guardian, context };
  }

  /** Runs `fn` with stdin reported as not a terminal, as under CI or a pipe. */
  async function withoutTerminal<T>(fn: () => Promise<T>): Promise<T> {
    const saved = process.stdin.isTTY;
    process.stdin.isTTY = false;
    try {
      return await fn();
    } finally {
      process.stdin.isTTY = saved;
    }
  }

  it("sends after a successful simulation and returns the receipt", async function () {
    const { ledger, context } = await loadFixture(ledgerAndContext);
    const result = await sendTx(context(false, false), { contract: ledger.connect(context(false, false).signer), method: "pause", args: [], summary: "pause" });
    expect(result.block).to.be.greaterThan(0);
    expect(await ledger.paused()).to.equal(true);
  });

  it("does not send what the simulation rejects, and names the custom error", async function () {
    const { ledger, admin, context } = await loadFixture(ledgerAndContext);
    const ctx = context(false, false, admin);
    const nonce = await hre.ethers.provider.getTransactionCount(admin.address);
    await expect(sendTx(ctx, { contract: ledger.connect(admin), method: "pause", args: [], summary: "pause" }))
      .to.be.rejectedWith(CommandError, /^pause would revert: AccessControlUnauthorizedAccount\(account=0x[0-9a-fA-F]{40}, neededRole=0x[0-9a-f]{64}\)$/);
    expect(await hre.ethers.provider.getTransactionCount(admin.address)).to.equal(nonce);
  });

  describe("on a live network", function () {
    it("refuses without --yes when there is no terminal to confirm on, sending nothing", async function () {
      const { ledger, guardian, context } = await loadFixture(ledgerAndContext);
      const nonce = await hre.ethers.provider.getTransactionCount(guardian.address);
      const refused = await withoutTerminal(() => sendTx(context(true, false), { contract: ledger.connect(guardian), method: "pause", args: [], summary: "pause" })
        .then(() => undefined, (e: unknown) => e));
      expect(refused).to.be.instanceOf(UsageError);
      expect((refused as Error).message).to.match(/^--yes: this sends a transaction on a live network/);
      expect(await hre.ethers.provider.getTransactionCount(guardian.address)).to.equal(nonce);
      expect(await ledger.paused()).to.equal(false);
    });

    it("sends with --yes", async function () {
      const { ledger, guardian, context } = await loadFixture(ledgerAndContext);
      await withoutTerminal(() => sendTx(context(true, true), { contract: ledger.connect(guardian), method: "pause", args: [], summary: "pause" }));
      expect(await ledger.paused()).to.equal(true);
    });
  });
});
