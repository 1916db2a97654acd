import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";
import { scopeOf } from "../../scripts/ledger/token-id";
import { expectNoChange } from "../helpers/state";
import { utc } from "../helpers/dates";
import {
  deployLedger,
  freshEvidence,
  freshRecord,
  issueRequest,
  issued,
  issuedEventArgs,
  issuerOf,
  MAX_AMOUNT,
  requestId,
  TokenType,
  type IssueRequest,
  type LedgerFixture,
  type TokenTypeCode,
} from "./fixtures";

/**
 * What a failing issuance must leave untouched: the id it would get (from `issuer`, default the type's issuer) does
 * not exist, nothing was issued, its evidence is unused in its scope and its records back nothing.
 */
const unissued = (f: LedgerFixture, request: IssueRequest, issuer?: { address: string }) => async () => {
  const id = requestId(f, request, issuer);
  const by = issuer ?? issuerOf(f, request.tokenType as TokenTypeCode);
  const scope = scopeOf(request.tokenType, by.address, request.issuee === ZeroAddress ? by.address : request.issuee);
  return {
    exists: await f.ledger.exists(id),
    issued: await f.ledger.issuedOf(id),
    used: await f.ledger.evidenceUsed(request.tokenType, scope, [request.evidenceHash]),
    records: await f.ledger.recordTokens(request.tokenType, scope, request.records),
  };
};

/** Issuance rules that hold for every token type, run once per type. */
function shouldBehaveLikeIssuable(tokenType: TokenTypeCode, name: string) {
  describe(`of ${name}`, function () {
    it("creates the id tokenIdOf(type, scope, evidence hash), with its immutable record, and mints to the issuee", async function () {
      const f = await loadFixture(deployLedger);
      const issuer = issuerOf(f, tokenType);
      const request = issueRequest({ tokenType, issuee: f.acme.address, amount: 12_500_000n });
      const scope = scopeOf(tokenType, issuer.address, f.acme.address);
      const id = await f.ledger.tokenIdOf(tokenType, scope, request.evidenceHash);
      expect(id).to.equal(requestId(f, request));
      expect(scope).to.equal(tokenType === TokenType.Emissions ? f.acme.address : issuer.address);

      expect(await f.ledger.connect(issuer).issue.staticCall(request)).to.equal(id);
      const tx = f.ledger.connect(issuer).issue(request);
      await expect(tx).to.emit(f.ledger, "Issued").withArgs(...issuedEventArgs(id, issuer.address, request));
      await expect(tx).to.emit(f.ledger, "TransferSingle").withArgs(issuer.address, ZeroAddress, f.acme.address, id, request.amount);

      const record = await f.ledger.recordOf(id);
      expect(record.issuer).to.equal(issuer.address);
      expect(record.issuee).to.equal(f.acme.address);
      expect(record.tokenType).to.equal(tokenType);
      expect(record.fromDate).to.equal(request.fromDate);
      expect(record.thruDate).to.equal(request.thruDate);
      expect(record.createdAt).to.equal(await time.latest());
      expect(record.metadata).to.equal(request.metadata);
      expect(record.year).to.equal(2024);
      expect(await f.ledger.exists(id)).to.equal(true);
      expect(await f.ledger.evidenceUsed(tokenType, scope, [request.evidenceHash])).to.deep.equal([true]);
      if (tokenType === TokenType.Emissions) {
        await expect(tx).to.emit(f.ledger, "RecordsBound").withArgs(id, request.records);
        expect(await f.ledger.recordTokens(tokenType, scope, request.records)).to.deep.equal([id]);
      } else {
        await expect(tx).not.to.emit(f.ledger, "RecordsBound");
      }
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(request.amount);
      expect(await f.ledger.issuedOf(id)).to.equal(request.amount);
      expect(await f.ledger.availableOf(id)).to.equal(request.amount);
    });

    it("refuses a second issuance with the same evidence hash in the same type and scope (LedgerEvidenceUsed)", async function () {
      const f = await loadFixture(deployLedger);
      const first = issueRequest({ tokenType, issuee: f.acme.address });
      const id = await issued(f, first);
      // Same scope: the same emitter for emissions; the same issuer (whoever the issuee) for RECs and offsets.
      const sameScope = issueRequest({
        tokenType,
        issuee: tokenType === TokenType.Emissions ? f.acme.address : f.globex.address,
        evidenceHash: first.evidenceHash,
      });
      await expectNoChange(
        async () => [await f.ledger.recordOf(id), await f.ledger.issuedOf(id)].toString(),
        () =>
          expect(f.ledger.connect(issuerOf(f, tokenType)).issue(sameScope))
            .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
            .withArgs(first.evidenceHash, id),
      );
      // Another type (or scope) is another id: the hash cannot be squatted across them.
      for (const other of [TokenType.REC, TokenType.Offset, TokenType.Emissions].filter((t) => t !== tokenType)) {
        const again = issueRequest({ tokenType: other, issuee: f.acme.address, evidenceHash: first.evidenceHash });
        const otherId = await issued(f, again);
        expect(otherId).to.not.equal(id);
      }
      expect(await f.ledger.issuedOf(id)).to.equal(first.amount);
    });

    it("reverts with AccessControlUnauthorizedAccount for a caller without the type's issuer role", async function () {
      const f = await loadFixture(deployLedger);
      const role = [
        "",
        await f.ledger.REC_ISSUER_ROLE(),
        await f.ledger.OFFSET_ISSUER_ROLE(),
        await f.ledger.EMISSIONS_AUDITOR_ROLE(),
      ][tokenType];
      const request = issueRequest({ tokenType, issuee: f.acme.address });
      // Every other issuer, and the admin, lack this type's role.
      const wrong = [f.recIssuer, f.offsetIssuer, f.auditor, f.admin].filter((s) => s !== issuerOf(f, tokenType));
      for (const caller of wrong) {
        await expectNoChange(unissued(f, request), () =>
          expect(f.ledger.connect(caller).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, role),
        );
      }
    });

    it("reverts with EnforcedPause while paused", async function () {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.pauser).pause();
      const request = issueRequest({ tokenType, issuee: f.acme.address });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(issuerOf(f, tokenType)).issue(request)).to.be.revertedWithCustomError(
          f.ledger,
          "EnforcedPause",
        ),
      );
    });
  });
}

describe("issue", function () {
  shouldBehaveLikeIssuable(TokenType.REC, "RECs");
  shouldBehaveLikeIssuable(TokenType.Offset, "offsets");
  shouldBehaveLikeIssuable(TokenType.Emissions, "audited emissions");

  describe("request validation", function () {
    it("reverts with LedgerInvalidTokenType for a type code other than 1, 2 or 3", async function () {
      const f = await loadFixture(deployLedger);
      for (const code of [0, 4, 255]) {
        const request = issueRequest({ tokenType: code, issuee: f.acme.address });
        await expectNoChange(unissued(f, request), () =>
          expect(f.ledger.connect(f.recIssuer).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidTokenType")
            .withArgs(code),
        );
      }
    });

    it("reverts with LedgerZeroAddress for the zero issuee", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({ issuee: ZeroAddress });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.recIssuer).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerZeroAddress")
          .withArgs(),
      );
    });

    it("reverts with LedgerZeroAmount for a zero amount", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({ issuee: f.alice.address, amount: 0n });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.recIssuer).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerZeroAmount")
          .withArgs(),
      );
    });

    it("accepts 2^72 - 1 and reverts with LedgerAmountTooLarge above it", async function () {
      const f = await loadFixture(deployLedger);
      expect(MAX_AMOUNT).to.equal(2n ** 72n - 1n);
      for (const amount of [MAX_AMOUNT + 1n, 2n ** 80n - 1n, 2n ** 128n, 2n ** 256n - 1n]) {
        const request = issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount });
        await expectNoChange(unissued(f, request), () =>
          expect(f.ledger.connect(f.auditor).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "LedgerAmountTooLarge")
            .withArgs(amount),
        );
      }
      const max = issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: MAX_AMOUNT });
      const id = await issued(f, max);
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(MAX_AMOUNT);
      expect((await f.ledger.yearTotals(f.acme.address, 2024)).emissions).to.equal(MAX_AMOUNT);
    });

    it("reverts with LedgerInvalidPeriod when the period ends before it starts, and accepts a one-instant period", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({ issuee: f.alice.address, fromDate: utc("2024-02-01"), thruDate: utc("2024-01-31") });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.recIssuer).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidPeriod")
          .withArgs(request.fromDate, request.thruDate),
      );
      const instant = issueRequest({ issuee: f.alice.address, fromDate: utc("2024-02-01"), thruDate: utc("2024-02-01") });
      await expect(f.ledger.connect(f.recIssuer).issue(instant)).to.emit(f.ledger, "Issued");
    });

    it("reverts with LedgerZeroEvidence for a zero evidence hash", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({ issuee: f.alice.address, evidenceHash: ZeroHash });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.recIssuer).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerZeroEvidence")
          .withArgs(),
      );
    });

    it("stores empty metadata as empty", async function () {
      const f = await loadFixture(deployLedger);
      const id = await issued(f, issueRequest({ issuee: f.alice.address, metadata: "" }));
      expect((await f.ledger.recordOf(id)).metadata).to.equal("");
    });
  });

  describe("records", function () {
    it("reverts with LedgerEmissionsWithoutRecords for audited emissions that name no record", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, records: [] });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.auditor).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsWithoutRecords")
          .withArgs(),
      );
    });

    it("reverts with LedgerZeroRecord for a zero record key, of any type", async function () {
      const f = await loadFixture(deployLedger);
      for (const tokenType of [TokenType.REC, TokenType.Offset, TokenType.Emissions] as const) {
        const request = issueRequest({ tokenType, issuee: f.acme.address, records: [freshRecord(), ZeroHash] });
        await expectNoChange(unissued(f, request), () =>
          expect(f.ledger.connect(issuerOf(f, tokenType)).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "LedgerZeroRecord")
            .withArgs(),
        );
      }
    });

    it("reverts with LedgerRecordUsed for a record named twice in one request", async function () {
      const f = await loadFixture(deployLedger);
      const record = freshRecord();
      const request = issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, records: [record, record] });
      await expectNoChange(unissued(f, request), () =>
        expect(f.ledger.connect(f.auditor).issue(request))
          .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
          .withArgs(record, requestId(f, request)),
      );
    });

    it("binds optional records of RECs and offsets within the issuer's scope", async function () {
      const f = await loadFixture(deployLedger);
      const record = freshRecord();
      const rec = issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, records: [record] });
      const tx = f.ledger.connect(f.recIssuer).issue(rec);
      const id = requestId(f, rec);
      await expect(tx).to.emit(f.ledger, "RecordsBound").withArgs(id, [record]);
      expect(await f.ledger.recordTokens(TokenType.REC, f.recIssuer.address, [record])).to.deep.equal([id]);
      // The same key is another record for another type or scope.
      expect(await f.ledger.recordTokens(TokenType.Offset, f.recIssuer.address, [record])).to.deep.equal([0n]);
      expect(await f.ledger.recordTokens(TokenType.REC, f.offsetIssuer.address, [record])).to.deep.equal([0n]);
      await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, records: [record] }));
      const again = issueRequest({ tokenType: TokenType.REC, issuee: f.bob.address, records: [record] });
      await expectNoChange(unissued(f, again), () =>
        expect(f.ledger.connect(f.recIssuer).issue(again))
          .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
          .withArgs(record, id),
      );
    });
  });

  describe("in limited mode", function () {
    it("reverts with LedgerUnregisteredParticipant for a REC or offset issuee that is not registered", async function () {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.admin).setLimitedMode(true);
      for (const tokenType of [TokenType.REC, TokenType.Offset] as const) {
        const request = issueRequest({ tokenType, issuee: f.alice.address });
        await expectNoChange(unissued(f, request), () =>
          expect(f.ledger.connect(issuerOf(f, tokenType)).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "LedgerUnregisteredParticipant")
            .withArgs(f.alice.address),
        );
      }
    });

    it("issues RECs and offsets to a registered participant", async function () {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.admin).setLimitedMode(true);
      await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
      for (const tokenType of [TokenType.REC, TokenType.Offset] as const) {
        const id = await issued(f, issueRequest({ tokenType, issuee: f.alice.address, amount: 7n }));
        expect(await f.ledger.balanceOf(f.alice.address, id)).to.equal(7n);
      }
    });

    it("issues audited emissions to an unregistered emitter (a debt needs no registration)", async function () {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.admin).setLimitedMode(true);
      const id = await issued(f, issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 9n }));
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(9n);
    });
  });

  describe("to a contract", function () {
    async function contracts() {
      const f = await loadFixture(deployLedger);
      const accepting = await ethers.deployContract("ERC1155ReceiverMock", [0]);
      const rejecting = await ethers.deployContract("ERC1155ReceiverMock", [1]);
      const wrongValue = await ethers.deployContract("ERC1155ReceiverMock", [2]);
      const plain = await ethers.deployContract("ContractHolderMock");
      return { f, accepting, rejecting, wrongValue, plain };
    }

    it("mints RECs and offsets to a receiver that accepts them, calling its hook", async function () {
      const { f, accepting } = await contracts();
      const to = await accepting.getAddress();
      const id = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: to, amount: 3n }));
      expect(await f.ledger.balanceOf(to, id)).to.equal(3n);
      expect(await accepting.singleReceived()).to.equal(1n);
    });

    it("reverts with ERC1155InvalidReceiver for RECs and offsets to a contract without hooks or with a wrong answer", async function () {
      const { f, plain, wrongValue } = await contracts();
      for (const target of [plain, wrongValue]) {
        const to = await target.getAddress();
        for (const tokenType of [TokenType.REC, TokenType.Offset] as const) {
          const request = issueRequest({ tokenType, issuee: to });
          await expectNoChange(unissued(f, request), () =>
            expect(f.ledger.connect(issuerOf(f, tokenType)).issue(request))
              .to.be.revertedWithCustomError(f.ledger, "ERC1155InvalidReceiver")
              .withArgs(to),
          );
        }
      }
    });

    it("bubbles up a receiver's own refusal", async function () {
      const { f, rejecting } = await contracts();
      const request = issueRequest({ issuee: await rejecting.getAddress() });
      await expect(f.ledger.connect(f.recIssuer).issue(request))
        .to.be.revertedWithCustomError(rejecting, "ERC1155ReceiverMockRejected")
        .withArgs(f.recIssuer.address, ZeroAddress);
      expect(await f.ledger.exists(requestId(f, request))).to.equal(false);
    });

    it("issues audited emissions to any contract without calling a receiver hook (a debt cannot be refused)", async function () {
      const { f, plain, rejecting } = await contracts();
      for (const target of [plain, rejecting]) {
        const emitter = await target.getAddress();
        const request = issueRequest({ tokenType: TokenType.Emissions, issuee: emitter, amount: 5n });
        await expect(f.ledger.connect(f.auditor).issue(request))
          .to.emit(f.ledger, "TransferSingle")
          .withArgs(f.auditor.address, ZeroAddress, emitter, requestId(f, request), 5n);
        expect(await f.ledger.balanceOf(emitter, requestId(f, request))).to.equal(5n);
      }
      expect(await rejecting.singleReceived()).to.equal(0n);
    });
  });
});

describe("issueBatch", function () {
  it("issues every request in order and returns their ids", async function () {
    const f = await loadFixture(deployLedger);
    const requests = [5n, 6n, 7n].map((amount) => issueRequest({ issuee: f.alice.address, amount }));
    const ids = requests.map((r) => requestId(f, r));
    expect(await f.ledger.connect(f.recIssuer).issueBatch.staticCall(requests)).to.deep.equal(ids);

    const tx = f.ledger.connect(f.recIssuer).issueBatch(requests);
    for (const [i, r] of requests.entries()) {
      await expect(tx)
        .to.emit(f.ledger, "Issued")
        .withArgs(ids[i], f.recIssuer.address, f.alice.address, TokenType.REC, r.amount, r.fromDate, r.thruDate, r.evidenceHash);
      await expect(tx)
        .to.emit(f.ledger, "TransferSingle")
        .withArgs(f.recIssuer.address, ZeroAddress, f.alice.address, ids[i], r.amount);
    }
    const balances = await f.ledger.balanceOfBatch(
      ids.map(() => f.alice.address),
      ids,
    );
    expect(balances).to.deep.equal([5n, 6n, 7n]);
  });

  it("mixes types when the caller holds each type's role", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.admin).grantRole(await f.ledger.OFFSET_ISSUER_ROLE(), f.recIssuer.address);
    const requests = [
      issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address }),
      issueRequest({ tokenType: TokenType.Offset, issuee: f.bob.address }),
    ];
    await f.ledger.connect(f.recIssuer).issueBatch(requests);
    // Both are in the caller's scope: it is the issuer of each.
    expect((await f.ledger.recordOf(requestId(f, requests[1]!, f.recIssuer))).tokenType).to.equal(TokenType.Offset);
  });

  it("reverts with LedgerEmptyBatch for no requests", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.recIssuer).issueBatch([])).to.be.revertedWithCustomError(
      f.ledger,
      "LedgerEmptyBatch",
    );
  });

  it("issues nothing when one request fails (all or nothing)", async function () {
    const f = await loadFixture(deployLedger);
    const first = issueRequest({ issuee: f.bob.address });
    const used = await issued(f, first);
    const good = issueRequest({ issuee: f.alice.address });
    const reused = issueRequest({ issuee: f.alice.address, evidenceHash: first.evidenceHash });
    await expectNoChange(unissued(f, good), () =>
      expect(f.ledger.connect(f.recIssuer).issueBatch([good, reused]))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
        .withArgs(reused.evidenceHash, used),
    );
  });

  it("reverts with LedgerEvidenceUsed when the batch repeats an evidence hash", async function () {
    const f = await loadFixture(deployLedger);
    const evidence = freshEvidence();
    const a = issueRequest({ issuee: f.alice.address, evidenceHash: evidence });
    const b = issueRequest({ issuee: f.bob.address, evidenceHash: evidence });
    await expectNoChange(unissued(f, a), () =>
      expect(f.ledger.connect(f.recIssuer).issueBatch([a, b]))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
        .withArgs(evidence, requestId(f, a)),
    );
  });

  it("checks the issuer role of every request's type", async function () {
    const f = await loadFixture(deployLedger);
    const rec = issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address });
    const offset = issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address });
    await expectNoChange(unissued(f, rec), () =>
      expect(f.ledger.connect(f.recIssuer).issueBatch([rec, offset]))
        .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(f.recIssuer.address, ethers.id("OFFSET_ISSUER_ROLE")),
    );
  });

  it("reverts with EnforcedPause while paused", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.pauser).pause();
    const request = issueRequest({ issuee: f.alice.address });
    await expectNoChange(unissued(f, request), () =>
      expect(f.ledger.connect(f.recIssuer).issueBatch([request])).to.be.revertedWithCustomError(
        f.ledger,
        "EnforcedPause",
      ),
    );
  });
});
