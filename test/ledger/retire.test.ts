import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroAddress } from "ethers";
import { utc } from "../helpers/dates";
import { expectNoChange } from "../helpers/state";
import {
  deployLedger,
  expectBalanced,
  issueRequest,
  issued,
  nameCommitment,
  retiredEventArgs,
  retirement,
  supplyOf,
  totalsOf,
  TokenType,
  type TokenTypeCode,
} from "./fixtures";
import type { LedgerFixture, RetirementInput } from "./fixtures";

/** Alice holds 100 of a fresh token of `tokenType`; `state` reads everything a retirement may change. */
async function aliceHolds(tokenType: TokenTypeCode) {
  const f = await loadFixture(deployLedger);
  const id = await issued(f, issueRequest({ tokenType, issuee: f.alice.address, amount: 100n }));
  const state = async () => ({
    supply: await supplyOf(f.ledger, id, [f.alice, f.bob]),
    retiredByAlice: await f.ledger.retiredBy(f.alice.address, id),
    retiredByBob: await f.ledger.retiredBy(f.bob.address, id),
    acme2024: await totalsOf(f.ledger, f.acme, 2024),
  });
  return { f, id, state };
}

/**
 * `caller` retires `amount` of Alice's `id` with `claim`: the receipt is a Retired event with every field, naming
 * `caller` as operator, and the amount leaves Alice's balance (a burn by `caller`).
 */
async function expectRetiredBy(
  caller: HardhatEthersSigner,
  { f, id, amount, claim }: { f: LedgerFixture; id: bigint; amount: bigint; claim: RetirementInput },
): Promise<void> {
  const tx = f.ledger.connect(caller).retire(f.alice.address, id, amount, claim);
  await expect(tx).to.emit(f.ledger, "Retired").withArgs(...retiredEventArgs(f.alice.address, id, caller.address, amount, claim));
  await expect(tx).to.emit(f.ledger, "TransferSingle").withArgs(caller.address, f.alice.address, ZeroAddress, id, amount);
}

/** Retirement rules shared by RECs and offsets. */
function shouldBehaveLikeRetirable(tokenType: TokenTypeCode, name: string) {
  const isOffset = tokenType === TokenType.Offset;

  describe(`of ${name}`, function () {
    it("retires part of the holder's balance and leaves the receipt as a Retired event with every field", async function () {
      const { f, id } = await aliceHolds(tokenType);
      const claim = retirement({
        beneficiary: f.acme.address,
        beneficiaryNameCommitment: nameCommitment("ACME Corp", "s1"),
        fromDate: utc("2024-01-01"),
        thruDate: utc("2024-06-30"),
        reason: "Scope 2, H1 2024",
      });
      await expectRetiredBy(f.alice, { f, id, amount: 30n, claim });

      expect(await f.ledger.balanceOf(f.alice.address, id)).to.equal(70n);
      expect(await f.ledger.retiredOf(id)).to.equal(30n);
      expect(await f.ledger.availableOf(id)).to.equal(70n);
      expect(await f.ledger.retiredBy(f.alice.address, id)).to.equal(30n);
      await expectBalanced(f.ledger, id, [f.alice]);
      const totals = await totalsOf(f.ledger, f.acme, 2024);
      expect(totals.offsetsRetired).to.equal(isOffset ? 30n : 0n);
      expect(totals.recsRetired).to.equal(isOffset ? 0n : 30n);
      expect(totals.netPosition).to.equal(isOffset ? -30n : 0n);
    });

    it("accumulates retirements and never lets retired go down", async function () {
      const { f, id } = await aliceHolds(tokenType);
      await f.ledger.connect(f.alice).retire(f.alice.address, id, 40n, retirement({ beneficiary: f.acme.address }));
      await f.ledger.connect(f.alice).retire(f.alice.address, id, 60n, retirement({ beneficiary: f.acme.address }));
      expect(await f.ledger.retiredOf(id)).to.equal(100n);
      expect(await f.ledger.retiredBy(f.alice.address, id)).to.equal(100n);
      expect(await f.ledger.availableOf(id)).to.equal(0n);
      await expectBalanced(f.ledger, id, [f.alice]);
    });

    it("lets an approved operator retire on the holder's behalf; the holder is credited", async function () {
      const { f, id } = await aliceHolds(tokenType);
      await f.ledger.connect(f.alice).setApprovalForAll(f.bob.address, true);
      const claim = retirement({ beneficiary: f.acme.address });
      await expectRetiredBy(f.bob, { f, id, amount: 25n, claim });
      expect(await f.ledger.retiredBy(f.alice.address, id)).to.equal(25n);
      expect(await f.ledger.retiredBy(f.bob.address, id)).to.equal(0n);
    });

    it("reverts with ERC1155MissingApprovalForAll for a caller the holder did not approve", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      await expectNoChange(state, () =>
        expect(f.ledger.connect(f.bob).retire(f.alice.address, id, 1n, retirement({ beneficiary: f.acme.address })))
          .to.be.revertedWithCustomError(f.ledger, "ERC1155MissingApprovalForAll")
          .withArgs(f.bob.address, f.alice.address),
      );
    });

    it("reverts with LedgerZeroAmount for a zero amount", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      await expectNoChange(state, () =>
        expect(
          f.ledger.connect(f.alice).retire(f.alice.address, id, 0n, retirement({ beneficiary: f.acme.address })),
        ).to.be.revertedWithCustomError(f.ledger, "LedgerZeroAmount"),
      );
    });

    it("reverts with LedgerInsufficientAvailable for more than the holder's balance", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 40n, "0x");
      await expectNoChange(state, () =>
        expect(
          f.ledger.connect(f.alice).retire(f.alice.address, id, 61n, retirement({ beneficiary: f.acme.address })),
        )
          .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientAvailable")
          .withArgs(f.alice.address, id, 60n, 61n),
      );
    });

    it("reverts with LedgerZeroAddress for the zero beneficiary", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      await expectNoChange(state, () =>
        expect(
          f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, retirement({ beneficiary: ZeroAddress })),
        ).to.be.revertedWithCustomError(f.ledger, "LedgerZeroAddress"),
      );
    });

    it("reverts with LedgerInvalidPeriod for a claimed period that ends before it starts", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      const claim = retirement({ beneficiary: f.acme.address, fromDate: utc("2024-07-01"), thruDate: utc("2024-06-30") });
      await expectNoChange(state, () =>
        expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, claim))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidPeriod")
          .withArgs(claim.fromDate, claim.thruDate),
      );
    });

    it("reverts with EnforcedPause while paused", async function () {
      const { f, id, state } = await aliceHolds(tokenType);
      await f.ledger.connect(f.pauser).pause();
      await expectNoChange(state, () =>
        expect(
          f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, retirement({ beneficiary: f.acme.address })),
        ).to.be.revertedWithCustomError(f.ledger, "EnforcedPause"),
      );
    });

    it("stays open in limited mode, registered or not (retirement is not a transfer)", async function () {
      const { f, id } = await aliceHolds(tokenType);
      await f.ledger.connect(f.admin).setLimitedMode(true);
      await f.ledger.connect(f.alice).retire(f.alice.address, id, 5n, retirement({ beneficiary: f.acme.address }));
      await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
      await f.ledger.connect(f.alice).retire(f.alice.address, id, 6n, retirement({ beneficiary: f.acme.address }));
      expect(await f.ledger.retiredOf(id)).to.equal(11n);
    });
  });
}

describe("retire", function () {
  shouldBehaveLikeRetirable(TokenType.REC, "RECs");
  shouldBehaveLikeRetirable(TokenType.Offset, "offsets");

  it("reverts with LedgerNotRetirable for audited emissions", async function () {
    const f = await loadFixture(deployLedger);
    const debt = await issued(f, issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 10n }));
    const read = async () => [await f.ledger.balanceOf(f.acme.address, debt), await f.ledger.retiredOf(debt)];
    await expectNoChange(read, () =>
      expect(f.ledger.connect(f.acme).retire(f.acme.address, debt, 1n, retirement({ beneficiary: f.acme.address })))
        .to.be.revertedWithCustomError(f.ledger, "LedgerNotRetirable")
        .withArgs(debt, TokenType.Emissions),
    );
  });

  it("reverts with LedgerUnknownToken for an id never issued", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.alice).retire(f.alice.address, 42n, 1n, retirement({ beneficiary: f.acme.address })))
      .to.be.revertedWithCustomError(f.ledger, "LedgerUnknownToken")
      .withArgs(42n);
  });

  it("lets an approved contract retire on a holder's behalf; the receipt names it as operator", async function () {
    const f = await loadFixture(deployLedger);
    const id = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 9n }));
    const operator = await ethers.deployContract("ContractHolderMock", [], f.bob);
    await f.ledger.connect(f.alice).setApprovalForAll(operator.target, true);
    const claim = retirement({ beneficiary: f.acme.address });
    const call = f.ledger.interface.encodeFunctionData("retire", [f.alice.address, id, 4n, claim]);
    await expect(operator.connect(f.bob).execute(f.ledger.target, call))
      .to.emit(f.ledger, "Retired")
      .withArgs(...retiredEventArgs(f.alice.address, id, operator.target, 4n, claim));
    expect(await f.ledger.retiredBy(f.alice.address, id)).to.equal(4n);
  });

  it("counts offsets towards the beneficiary, not the holder", async function () {
    const f = await loadFixture(deployLedger);
    const id = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 9n }));
    await f.ledger.connect(f.alice).retire(f.alice.address, id, 9n, retirement({ beneficiary: f.globex.address }));
    expect((await totalsOf(f.ledger, f.globex, 2024)).offsetsRetired).to.equal(9n);
    expect((await totalsOf(f.ledger, f.alice, 2024)).offsetsRetired).to.equal(0n);
    expect(await f.ledger.retiredBy(f.alice.address, id)).to.equal(9n);
  });
});
