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
  TokenType,
  type LedgerFixture,
  type TokenTypeCode,
} from "./fixtures";

/** Alice holds 100 of a fresh token of `tokenType`. */
async function aliceHolds(tokenType: TokenTypeCode) {
  const f = await loadFixture(deployLedger);
  const id = await issued(f, issueRequest({ tokenType, issuee: f.alice.address, amount: 100n }));
  const balances = async () => [
    await f.ledger.balanceOf(f.alice.address, id),
    await f.ledger.balanceOf(f.bob.address, id),
    await f.ledger.balanceOf(f.carol.address, id),
  ];
  return { f, id, balances };
}

/** Transfer rules shared by RECs and offsets. */
function shouldBehaveLikeTransferable(tokenType: TokenTypeCode, name: string) {
  describe(`of ${name}`, function () {
    it("moves tokens from the holder to the receiver and keeps the supply balanced", async function () {
      const { f, id } = await aliceHolds(tokenType);
      await expect(f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 30n, "0x"))
        .to.emit(f.ledger, "TransferSingle")
        .withArgs(f.alice.address, f.alice.address, f.bob.address, id, 30n);
      expect(await f.ledger.balanceOf(f.alice.address, id)).to.equal(70n);
      expect(await f.ledger.balanceOf(f.bob.address, id)).to.equal(30n);
      expect(await f.ledger.availableOf(id)).to.equal(100n);
      await expectBalanced(f.ledger, id, [f.alice, f.bob]);
    });

    it("lets an operator approved with setApprovalForAll move the holder's tokens", async function () {
      const { f, id } = await aliceHolds(tokenType);
      await expect(f.ledger.connect(f.alice).setApprovalForAll(f.carol.address, true))
        .to.emit(f.ledger, "ApprovalForAll")
        .withArgs(f.alice.address, f.carol.address, true);
      await expect(f.ledger.connect(f.carol).safeTransferFrom(f.alice.address, f.bob.address, id, 40n, "0x"))
        .to.emit(f.ledger, "TransferSingle")
        .withArgs(f.carol.address, f.alice.address, f.bob.address, id, 40n);
      expect(await f.ledger.balanceOf(f.bob.address, id)).to.equal(40n);
    });

    it("reverts with ERC1155MissingApprovalForAll for an operator the holder did not approve", async function () {
      const { f, id, balances } = await aliceHolds(tokenType);
      await expectNoChange(balances, () =>
        expect(f.ledger.connect(f.carol).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "ERC1155MissingApprovalForAll")
          .withArgs(f.carol.address, f.alice.address),
      );
      await f.ledger.connect(f.alice).setApprovalForAll(f.carol.address, true);
      await f.ledger.connect(f.alice).setApprovalForAll(f.carol.address, false);
      await expect(
        f.ledger.connect(f.carol).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x"),
      ).to.be.revertedWithCustomError(f.ledger, "ERC1155MissingApprovalForAll");
    });

    it("reverts with ERC1155InsufficientBalance for more than the holder has", async function () {
      const { f, id, balances } = await aliceHolds(tokenType);
      await expectNoChange(balances, () =>
        expect(f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 101n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "ERC1155InsufficientBalance")
          .withArgs(f.alice.address, 100n, 101n, id),
      );
    });

    it("reverts with ERC1155InvalidReceiver for a contract that cannot receive ERC-1155 tokens", async function () {
      const { f, id, balances } = await aliceHolds(tokenType);
      const plain = await ethers.deployContract("ContractHolderMock");
      await expectNoChange(balances, () =>
        expect(f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, plain.target, id, 1n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "ERC1155InvalidReceiver")
          .withArgs(plain.target),
      );
    });

    it("reverts with EnforcedPause while paused, single and batch", async function () {
      const { f, id, balances } = await aliceHolds(tokenType);
      await f.ledger.connect(f.pauser).pause();
      await expectNoChange(balances, async () => {
        await expect(
          f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x"),
        ).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
        await expect(
          f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, f.bob.address, [id], [1n], "0x"),
        ).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
      });
      await f.ledger.connect(f.pauser).unpause();
      await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x");
      expect(await f.ledger.balanceOf(f.bob.address, id)).to.equal(1n);
    });

    describe("in limited mode", function () {
      async function limited() {
        const ctx = await aliceHolds(tokenType);
        await ctx.f.ledger.connect(ctx.f.admin).setLimitedMode(true);
        return ctx;
      }

      /** Alice sends Bob 1 of `id`: refused with LedgerUnregisteredParticipant naming `unregistered`. */
      const aliceToBobRefusedFor = (f: LedgerFixture, id: bigint, unregistered: { address: string }) =>
        expect(f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerUnregisteredParticipant")
          .withArgs(unregistered.address);

      it("moves tokens between registered participants", async function () {
        const { f, id } = await limited();
        await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
        await f.ledger.connect(f.registrar).setParticipant(f.bob.address, true);
        await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 10n, "0x");
        expect(await f.ledger.balanceOf(f.bob.address, id)).to.equal(10n);
      });

      it("reverts with LedgerUnregisteredParticipant for an unregistered receiver", async function () {
        const { f, id, balances } = await limited();
        await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
        await expectNoChange(balances, () => aliceToBobRefusedFor(f, id, f.bob));
      });

      it("reverts with LedgerUnregisteredParticipant for an unregistered sender, also when unregistered later", async function () {
        const { f, id, balances } = await limited();
        await f.ledger.connect(f.registrar).setParticipant(f.bob.address, true);
        await expectNoChange(balances, () => aliceToBobRefusedFor(f, id, f.alice));
        await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
        await f.ledger.connect(f.registrar).setParticipant(f.alice.address, false);
        await aliceToBobRefusedFor(f, id, f.alice);
      });

      it("applies to batch transfers", async function () {
        const { f, id, balances } = await limited();
        await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
        await expectNoChange(balances, () =>
          expect(
            f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, f.carol.address, [id], [1n], "0x"),
          )
            .to.be.revertedWithCustomError(f.ledger, "LedgerUnregisteredParticipant")
            .withArgs(f.carol.address),
        );
      });

      it("lets tokens move freely again once limited mode is off", async function () {
        const { f, id } = await limited();
        await f.ledger.connect(f.admin).setLimitedMode(false);
        await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, id, 1n, "0x");
        expect(await f.ledger.balanceOf(f.bob.address, id)).to.equal(1n);
      });
    });
  });
}

/** Alice holds a REC and an offset; Acme has audited emissions. */
async function mixedHoldings(f: LedgerFixture) {
  const rec = await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, amount: 50n }));
  const offset = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 60n }));
  const debt = await issued(f, issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 70n }));
  return { rec, offset, debt };
}

describe("transfers", function () {
  shouldBehaveLikeTransferable(TokenType.REC, "RECs");
  shouldBehaveLikeTransferable(TokenType.Offset, "offsets");

  describe("batch", function () {
    it("moves several ids at once", async function () {
      const f = await loadFixture(deployLedger);
      const { rec, offset } = await mixedHoldings(f);
      await expect(
        f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, f.bob.address, [rec, offset], [5n, 6n], "0x"),
      )
        .to.emit(f.ledger, "TransferBatch")
        .withArgs(f.alice.address, f.alice.address, f.bob.address, [rec, offset], [5n, 6n]);
      expect(await f.ledger.balanceOfBatch([f.bob.address, f.bob.address], [rec, offset])).to.deep.equal([5n, 6n]);
      await expectBalanced(f.ledger, rec, [f.alice, f.bob]);
      await expectBalanced(f.ledger, offset, [f.alice, f.bob]);
    });

    it("reverts with ERC1155InvalidArrayLength when ids and amounts differ in length", async function () {
      const f = await loadFixture(deployLedger);
      const { rec, offset } = await mixedHoldings(f);
      await expect(
        f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, f.bob.address, [rec, offset], [5n], "0x"),
      )
        .to.be.revertedWithCustomError(f.ledger, "ERC1155InvalidArrayLength")
        .withArgs(2, 1);
    });

    it("reverts with ERC1155InsufficientBalance when one id is short", async function () {
      const f = await loadFixture(deployLedger);
      const { rec, offset } = await mixedHoldings(f);
      await expect(
        f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, f.bob.address, [rec, offset], [5n, 61n], "0x"),
      )
        .to.be.revertedWithCustomError(f.ledger, "ERC1155InsufficientBalance")
        .withArgs(f.alice.address, 60n, 61n, offset);
      expect(await f.ledger.balanceOf(f.bob.address, rec)).to.equal(0n);
    });
  });

  it("reverts with ERC1155InvalidReceiver for the zero address, single and batch", async function () {
    const f = await loadFixture(deployLedger);
    const { rec } = await mixedHoldings(f);
    await expect(f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, ZeroAddress, rec, 1n, "0x"))
      .to.be.revertedWithCustomError(f.ledger, "ERC1155InvalidReceiver")
      .withArgs(ZeroAddress);
    await expect(f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, ZeroAddress, [rec], [1n], "0x"))
      .to.be.revertedWithCustomError(f.ledger, "ERC1155InvalidReceiver")
      .withArgs(ZeroAddress);
    expect(await f.ledger.balanceOf(f.alice.address, rec)).to.equal(50n);
  });

  it("delivers to a receiver contract that accepts, calling its hooks", async function () {
    const f = await loadFixture(deployLedger);
    const { rec, offset } = await mixedHoldings(f);
    const receiver = await ethers.deployContract("ERC1155ReceiverMock", [0]);
    await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, receiver.target, rec, 1n, "0x");
    await f.ledger.connect(f.alice).safeBatchTransferFrom(f.alice.address, receiver.target, [rec, offset], [1n, 2n], "0x");
    expect([await receiver.singleReceived(), await receiver.batchReceived()]).to.deep.equal([1n, 1n]);
    expect(await f.ledger.balanceOf(receiver.target, offset)).to.equal(2n);
  });

  describe("of audited emissions", function () {
    it("reports the emitter's balance as issued minus revoked, and zero for anyone else", async function () {
      const f = await loadFixture(deployLedger);
      const { debt } = await mixedHoldings(f);
      expect(await f.ledger.balanceOfBatch([f.acme.address, f.alice.address], [debt, debt])).to.deep.equal([70n, 0n]);
      await f.ledger.connect(f.revoker).revoke(f.acme.address, debt, 20n, "error");
      expect(await f.ledger.balanceOf(f.acme.address, debt)).to.equal(50n);
      expect(await f.ledger.balanceOf(f.alice.address, debt)).to.equal(0n);
    });

    it("reverts with LedgerEmissionsNonTransferable when the emitter transfers them", async function () {
      const f = await loadFixture(deployLedger);
      const { debt } = await mixedHoldings(f);
      const read = async () => [await f.ledger.balanceOf(f.acme.address, debt), await f.ledger.balanceOf(f.bob.address, debt)];
      await expectNoChange(read, () =>
        expect(f.ledger.connect(f.acme).safeTransferFrom(f.acme.address, f.bob.address, debt, 1n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNonTransferable")
          .withArgs(debt),
      );
    });

    it("reverts with LedgerEmissionsNonTransferable even for a zero amount, from anyone", async function () {
      const f = await loadFixture(deployLedger);
      const { debt } = await mixedHoldings(f);
      for (const from of [f.acme, f.bob]) {
        await expect(f.ledger.connect(from).safeTransferFrom(from.address, f.carol.address, debt, 0n, "0x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNonTransferable")
          .withArgs(debt);
        await expect(f.ledger.connect(from).safeBatchTransferFrom(from.address, f.carol.address, [debt], [0n], "0x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNonTransferable")
          .withArgs(debt);
      }
    });

    it("reverts with LedgerEmissionsNonTransferable for an approved operator and inside a batch", async function () {
      const f = await loadFixture(deployLedger);
      const { rec, debt } = await mixedHoldings(f);
      await f.ledger.connect(f.acme).setApprovalForAll(f.carol.address, true);
      await expect(f.ledger.connect(f.carol).safeTransferFrom(f.acme.address, f.carol.address, debt, 70n, "0x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNonTransferable")
        .withArgs(debt);
      // Acme also holds a REC: the batch fails on the emissions id and moves neither.
      await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.acme.address, rec, 5n, "0x");
      await expect(
        f.ledger.connect(f.acme).safeBatchTransferFrom(f.acme.address, f.bob.address, [rec, debt], [5n, 1n], "0x"),
      )
        .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNonTransferable")
        .withArgs(debt);
      expect(await f.ledger.balanceOf(f.acme.address, rec)).to.equal(5n);
    });
  });
});
