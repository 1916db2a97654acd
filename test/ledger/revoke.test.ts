import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress } from "ethers";
import { expectNoChange } from "../helpers/state";
import {
  deployLedger,
  expectBalanced,
  issueRequest,
  issued,
  retirement,
  supplyOf,
  totalsOf,
  TokenType,
} from "./fixtures";
import type { LedgerFixture } from "./fixtures";

/** Alice holds 100 of a REC; Acme has 500 g of audited emissions for 2024. */
async function holdings() {
  const f = await loadFixture(deployLedger);
  const rec = await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, amount: 100n }));
  const debt = await issued(f, issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 500n }));
  const state = async () => ({
    rec: await supplyOf(f.ledger, rec, [f.alice, f.bob]),
    debt: await supplyOf(f.ledger, debt, [f.acme, f.alice]),
    acme2024: await totalsOf(f.ledger, f.acme, 2024),
  });
  return { f, rec, debt, state };
}

/**
 * The revoker revokes `amount` of `id` from `holder` for `reason`: a Revoked event with every field (no proposal:
 * proposal id 0), and the amount burned from the holder by the revoker.
 */
async function expectRevoked(
  f: LedgerFixture,
  { holder, id, amount, reason }: { holder: { address: string }; id: bigint; amount: bigint; reason: string },
): Promise<void> {
  const tx = f.ledger.connect(f.revoker).revoke(holder.address, id, amount, reason);
  await expect(tx).to.emit(f.ledger, "Revoked").withArgs(holder.address, id, f.revoker.address, amount, 0n, reason);
  await expect(tx).to.emit(f.ledger, "TransferSingle").withArgs(f.revoker.address, holder.address, ZeroAddress, id, amount);
}

describe("revoke", function () {
  it("removes an available amount from the holder, records why, and keeps the supply balanced", async function () {
    const { f, rec } = await holdings();
    await expectRevoked(f, { holder: f.alice, id: rec, amount: 30n, reason: "fraudulent meter data" });
    expect(await f.ledger.balanceOf(f.alice.address, rec)).to.equal(70n);
    expect(await f.ledger.revokedOf(rec)).to.equal(30n);
    expect(await f.ledger.retiredOf(rec)).to.equal(0n);
    expect(await f.ledger.availableOf(rec)).to.equal(70n);
    await expectBalanced(f.ledger, rec, [f.alice]);
  });

  it("is distinct from retirement: it credits no one's retired totals", async function () {
    const { f, rec } = await holdings();
    await f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 100n, "duplicate certificate");
    expect(await f.ledger.retiredBy(f.alice.address, rec)).to.equal(0n);
    expect((await totalsOf(f.ledger, f.alice, 2024)).recsRetired).to.equal(0n);
  });

  it("revokes audited emissions from the emitter and takes them out of its year totals", async function () {
    const { f, debt } = await holdings();
    await expectRevoked(f, { holder: f.acme, id: debt, amount: 200n, reason: "auditor error" });
    expect(await f.ledger.balanceOf(f.acme.address, debt)).to.equal(300n);
    const totals = await totalsOf(f.ledger, f.acme, 2024);
    expect(totals.emissions).to.equal(300n);
    expect(totals.netPosition).to.equal(300n);
    await expectBalanced(f.ledger, debt, [f.acme]);
  });

  it("works in limited mode against an unregistered holder (revocation is not a transfer)", async function () {
    const { f, rec } = await holdings();
    await f.ledger.connect(f.admin).setLimitedMode(true);
    await f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 2n, "fraud");
    expect(await f.ledger.balanceOf(f.alice.address, rec)).to.equal(98n);
  });

  it("works while paused", async function () {
    const { f, rec, debt } = await holdings();
    await f.ledger.connect(f.pauser).pause();
    await f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 1n, "fraud");
    await f.ledger.connect(f.revoker).revoke(f.acme.address, debt, 1n, "fraud");
    expect(await f.ledger.revokedOf(rec)).to.equal(1n);
    expect(await f.ledger.revokedOf(debt)).to.equal(1n);
  });

  it("reverts with AccessControlUnauthorizedAccount for a caller without the revoker role", async function () {
    const { f, rec, state } = await holdings();
    for (const caller of [f.admin, f.recIssuer, f.alice]) {
      await expectNoChange(state, () =>
        expect(f.ledger.connect(caller).revoke(f.alice.address, rec, 1n, "x"))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ethers.id("REVOKER_ROLE")),
      );
    }
  });

  it("reverts with LedgerUnknownToken for an id never issued", async function () {
    const { f, state } = await holdings();
    await expectNoChange(state, () =>
      expect(f.ledger.connect(f.revoker).revoke(f.alice.address, 7n, 1n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerUnknownToken")
        .withArgs(7n),
    );
  });

  it("reverts with LedgerZeroAmount for a zero amount", async function () {
    const { f, rec, state } = await holdings();
    await expectNoChange(state, () =>
      expect(f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 0n, "x")).to.be.revertedWithCustomError(
        f.ledger,
        "LedgerZeroAmount",
      ),
    );
  });

  it("reverts with LedgerInsufficientAvailable for more than the holder has, retired amounts included", async function () {
    const { f, rec, debt, state } = await holdings();
    await f.ledger.connect(f.alice).retire(f.alice.address, rec, 60n, retirement({ beneficiary: f.alice.address }));
    await expectNoChange(state, async () => {
      await expect(f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 41n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientAvailable")
        .withArgs(f.alice.address, rec, 40n, 41n);
      await expect(f.ledger.connect(f.revoker).revoke(f.acme.address, debt, 501n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientAvailable")
        .withArgs(f.acme.address, debt, 500n, 501n);
    });
  });

  it("reverts with LedgerInsufficientAvailable for emissions claimed from anyone but the emitter", async function () {
    const { f, debt, state } = await holdings();
    await expectNoChange(state, () =>
      expect(f.ledger.connect(f.revoker).revoke(f.alice.address, debt, 1n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientAvailable")
        .withArgs(f.alice.address, debt, 0n, 1n),
    );
  });
});
