import { expect } from "chai";
import { LocalChain, errorLines } from "./process";

/** Issue 10, point 6: `dao cancel` for the proposer, while the proposal is Pending. */
describe("dao cancel, end to end on a hardhat node @slow", function () {
  this.timeout(300_000);
  const chain = new LocalChain();
  let proposal = "";

  before(async function () {
    await chain.start();
    const deployed = await chain.cli(["deploy"]);
    expect(deployed.code, errorLines(deployed).join("\n")).to.equal(0);
    await chain.json(["dao", "delegate", "--from", "6"]);
    await chain.json(["dao", "delegate", "--from", "7"]);
    await chain.travel(1);
    // The clock stands still from here (no interval blocks), so the proposal stays Pending for the test.
    await chain.provider?.send("evm_setIntervalMining", [0]);
    const out = await chain.json(["dao", "propose", "setting", "--from", "6", "--name", "quorum-percent", "--value", "5", "--title", "Raise quorum to 5%"]);
    proposal = String(out["proposal"]);
  });
  after(async function () {
    await chain.cleanup();
  });

  it("is refused to anyone but the proposer (exit 2, nothing sent)", async function () {
    const nonce = await chain.nonce("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955"); // account #7
    const r = await chain.cli(["dao", "cancel", "--from", "7", "--proposal", proposal.slice(0, 12)]);
    expect(r.code).to.equal(2);
    expect(errorLines(r).join("\n")).to.match(/only the proposer/);
    expect(await chain.nonce("0x14dC79964da2C08b23698B3D3cc7Ca32193d9955")).to.equal(nonce);
  });

  it("cancels the proposer's Pending proposal, named by a prefix of its id", async function () {
    const latest = await chain.provider?.getBlock("latest");
    if (latest === null || latest === undefined) throw new Error("no block");
    // The cancel's block comes one second later: still before voting starts (voting delay 1 s).
    await chain.provider?.send("evm_setNextBlockTimestamp", [latest.timestamp + 1]);
    const out = await chain.json(["dao", "cancel", "--from", "6", "--proposal", proposal.slice(0, 12)]);
    expect(out).to.include({ state: "Canceled" });
    const shown = await chain.json(["dao", "proposal", "--proposal", proposal.slice(0, 12)]);
    expect(JSON.stringify(shown)).to.match(/Canceled/);
  });

  it("is refused once the proposal is no longer Pending (exit 2)", async function () {
    const r = await chain.cli(["dao", "cancel", "--from", "6", "--proposal", proposal.slice(0, 12)]);
    expect(r.code).to.equal(2);
    expect(errorLines(r).join("\n")).to.match(/only while Pending/);
  });
});
