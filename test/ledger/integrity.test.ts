/**
 * Issue 8 ("integrity"): one `describe` per attack the review found, each reproducing the attack and showing that the
 * ledger now refuses it (or that it no longer hurts).
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { ZeroHash } from "ethers";
import type { TypedDataSigner } from "../../scripts/ledger/attestation";
import { assembleAttestation, signAttestation } from "../../scripts/ledger/attestation";
import { fabricRecordKey, tokenIdOf } from "../../scripts/ledger/token-id";
import { endOfDay, utc } from "../helpers/dates";
import { expectNoChange } from "../helpers/state";
import {
  attest,
  deployLedger,
  expectBalanced,
  freshEvidence,
  freshRecord,
  issueRequest,
  issued,
  requestId,
  retirement,
  totalsOf,
  TokenType,
  type IssueRequest,
  type LedgerFixture,
} from "./fixtures";

const DEFAULT_ADMIN_ROLE = ZeroHash;

const emissions = (f: LedgerFixture, overrides: Partial<IssueRequest> = {}): IssueRequest =>
  issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 4_200_000n, ...overrides });

const emissionsState = (f: LedgerFixture, request: IssueRequest) => async () => ({
  exists: await f.ledger.exists(requestId(f, request)),
  totals: (await f.ledger.yearTotals(request.issuee, 2024)).toString(),
  records: (await f.ledger.recordTokens(TokenType.Emissions, request.issuee, request.records)).toString(),
});

describe("integrity (issue 8)", function () {
  describe("(1) a lone auditor cannot record emissions when the threshold is above one", function () {
    async function thresholdThree() {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.admin).setAttestationThreshold(3);
      return f;
    }

    it("refuses a lone auditor's direct issue at threshold 3 (LedgerEmissionsNeedAttestation)", async function () {
      const f = await thresholdThree();
      const request = emissions(f);
      for (const auditor of f.auditors) {
        await expectNoChange(emissionsState(f, request), () =>
          expect(f.ledger.connect(auditor).issue(request))
            .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNeedAttestation")
            .withArgs(3),
        );
      }
    });

    it("refuses a lone auditor's issueBatch at threshold 3, even hidden among other types", async function () {
      const f = await thresholdThree();
      await f.ledger.connect(f.admin).grantRole(await f.ledger.REC_ISSUER_ROLE(), f.auditor.address);
      const rec = issueRequest({ issuee: f.alice.address });
      const request = emissions(f);
      await expectNoChange(emissionsState(f, request), () =>
        expect(f.ledger.connect(f.auditor).issueBatch([rec, request]))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNeedAttestation")
          .withArgs(3),
      );
      expect(await f.ledger.exists(requestId(f, rec, f.auditor))).to.equal(false);
    });

    it("cannot front-run an agreed 3-of-3 attestation: the attestation still goes through", async function () {
      const f = await thresholdThree();
      const request = emissions(f);
      const agreed = await attest(f, request, f.auditors);
      const rogue = f.auditors[2] as HardhatEthersSigner;
      // The rogue auditor races the relayer with the same request (and a lower amount of its own) alone.
      await expect(f.ledger.connect(rogue).issue(request))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNeedAttestation")
        .withArgs(3);
      await expect(f.ledger.connect(rogue).issue({ ...request, amount: 1n }))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNeedAttestation")
        .withArgs(3);
      const alone = await attest(f, { ...request, amount: 1n }, [rogue]);
      await expect(f.ledger.connect(rogue).issueAttested(alone))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInsufficientSignatures")
        .withArgs(1, 3);
      const id = requestId(f, request);
      await expect(f.ledger.connect(f.outsider).issueAttested(agreed))
        .to.emit(f.ledger, "Attested")
        .withArgs(id, f.outsider.address, f.auditors.map((a) => a.address));
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(request.amount);
      expect((await totalsOf(f.ledger, f.acme, 2024)).emissions).to.equal(request.amount);
    });

    it("documents threshold 1: any single emissions auditor may issue directly, on every path", async function () {
      const f = await loadFixture(deployLedger);
      expect(await f.ledger.attestationThreshold()).to.equal(1);
      const direct = emissions(f);
      await expect(f.ledger.connect(f.auditors[2]!).issue(direct)).to.emit(f.ledger, "Issued");
      await expect(f.ledger.connect(f.auditors[1]!).issueBatch([emissions(f)])).to.emit(f.ledger, "Issued");
      await expect(f.ledger.issueAttested(await attest(f, emissions(f), [f.auditors[0]!]))).to.emit(f.ledger, "Attested");
      expect((await totalsOf(f.ledger, f.acme, 2024)).emissions).to.equal(3n * direct.amount);
    });
  });

  describe("(2) evidence squatting: spending someone else's evidence hash first blocks nothing", function () {
    it("lets the real issuance through after a REC issuer, an offset issuer and another auditor spent the hash", async function () {
      const f = await loadFixture(deployLedger);
      const hash = freshEvidence("utility bill");
      const squatters = [
        await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.recIssuer.address, evidenceHash: hash })),
        await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.offsetIssuer.address, evidenceHash: hash })),
        // Another auditor books the hash as emissions of another emitter.
        await issued(f, emissions(f, { issuee: f.globex.address, evidenceHash: hash }), f.auditors[2]),
      ];
      const real = emissions(f, { evidenceHash: hash });
      const a = await attest(f, real, [f.auditors[0]!]);
      const id = tokenIdOf(TokenType.Emissions, f.acme.address, hash);
      await expect(f.ledger.issueAttested(a)).to.emit(f.ledger, "Issued");
      expect(new Set([id, ...squatters]).size).to.equal(4);
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(real.amount);
    });

    it("answers evidenceUsed per type and scope", async function () {
      const f = await loadFixture(deployLedger);
      const hash = freshEvidence();
      await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, evidenceHash: hash }));
      expect(await f.ledger.evidenceUsed(TokenType.REC, f.recIssuer.address, [hash])).to.deep.equal([true]);
      expect(await f.ledger.evidenceUsed(TokenType.REC, f.offsetIssuer.address, [hash])).to.deep.equal([false]);
      expect(await f.ledger.evidenceUsed(TokenType.Offset, f.recIssuer.address, [hash])).to.deep.equal([false]);
      expect(await f.ledger.evidenceUsed(TokenType.Emissions, f.acme.address, [hash])).to.deep.equal([false]);
      await issued(f, emissions(f, { evidenceHash: hash }));
      expect(await f.ledger.evidenceUsed(TokenType.Emissions, f.acme.address, [hash])).to.deep.equal([true]);
      expect(await f.ledger.evidenceUsed(TokenType.Emissions, f.globex.address, [hash])).to.deep.equal([false]);
    });
  });

  describe("(3) one record under two aggregations is counted once", function () {
    it("refuses a month total naming a record already in the year total (LedgerRecordUsed with the first id)", async function () {
      const f = await loadFixture(deployLedger);
      const [jan, feb, mar] = ["uuid-jan", "uuid-feb", "uuid-mar"].map(fabricRecordKey) as [string, string, string];
      const year = emissions(f, { records: [jan, feb, mar], amount: 3_000n });
      const yearId = await issued(f, year);
      const month = emissions(f, {
        records: [feb],
        amount: 1_000n,
        fromDate: utc("2024-02-01"),
        thruDate: endOfDay("2024-02-29"),
      });
      await expectNoChange(emissionsState(f, month), () =>
        expect(f.ledger.connect(f.auditors[1]!).issue(month))
          .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
          .withArgs(feb, yearId),
      );
      // The same by attestation, from a different relayer and auditor.
      const attested = await attest(f, { ...month, evidenceHash: freshEvidence() }, [f.auditors[2]!]);
      await expect(f.ledger.connect(f.bob).issueAttested(attested))
        .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
        .withArgs(feb, yearId);
      expect((await totalsOf(f.ledger, f.acme, 2024)).emissions).to.equal(3_000n);
      expect(await f.ledger.recordTokens(TokenType.Emissions, f.acme.address, [jan, feb, mar, fabricRecordKey("uuid-apr")])).to.deep.equal(
        [yearId, yearId, yearId, 0n],
      );
    });

    it("keeps record keys per emitter: another emitter's record with the same key is another record", async function () {
      const f = await loadFixture(deployLedger);
      const key = freshRecord();
      const acme = await issued(f, emissions(f, { records: [key] }));
      const globex = await issued(f, emissions(f, { issuee: f.globex.address, records: [key] }));
      expect(await f.ledger.recordTokens(TokenType.Emissions, f.acme.address, [key])).to.deep.equal([acme]);
      expect(await f.ledger.recordTokens(TokenType.Emissions, f.globex.address, [key])).to.deep.equal([globex]);
    });
  });

  describe("(4) fraud retired before the DAO acts can be voided", function () {
    /** Acme emitted 1 t in 2024; Alice holds 100 kg of an offset and retired 60 kg of it for Acme. */
    async function retiredFraud() {
      const f = await loadFixture(deployLedger);
      const source = await ethers.deployContract("ProposalSourceMock");
      await issued(f, emissions(f, { amount: 1_000_000n }));
      const offset = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 100_000n }));
      await f.ledger.connect(f.alice).retire(f.alice.address, offset, 60_000n, retirement({ beneficiary: f.acme.address }));
      return { f, source, offset };
    }

    it("takes the voided amount out of the beneficiary's totals, the holder's retired and the id's retired", async function () {
      const { f, source, offset } = await retiredFraud();
      await expect(f.ledger.connect(f.admin).setProposalSource(await source.getAddress()))
        .to.emit(f.ledger, "ProposalSourceSet")
        .withArgs(ethers.ZeroAddress, await source.getAddress());
      await source.setProposalId(42n);
      expect((await totalsOf(f.ledger, f.acme, 2024)).netPosition).to.equal(940_000n);

      const tx = f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 45_000n, "fake project");
      await expect(tx)
        .to.emit(f.ledger, "RetirementVoided")
        .withArgs(f.alice.address, offset, f.acme.address, 2024, 45_000n, 42n, "fake project");
      await expect(tx).not.to.emit(f.ledger, "TransferSingle");

      // Acme loses the credit: its retired offsets drop and its net position goes back up by the voided amount.
      expect(await totalsOf(f.ledger, f.acme, 2024)).to.deep.equal({
        emissions: 1_000_000n,
        offsetsRetired: 15_000n,
        recsRetired: 0n,
        netPosition: 985_000n,
      });
      expect(await f.ledger.retiredOf(offset)).to.equal(15_000n);
      expect(await f.ledger.revokedOf(offset)).to.equal(45_000n);
      expect(await f.ledger.retiredBy(f.alice.address, offset)).to.equal(15_000n);
      expect(await f.ledger.retiredFor(offset, f.alice.address, f.acme.address, 2024)).to.equal(15_000n);
      expect(await f.ledger.balanceOf(f.alice.address, offset)).to.equal(40_000n);
      await expectBalanced(f.ledger, offset, [f.alice]);
    });

    it("reverts with LedgerInsufficientRetired beyond what is left of those retirements", async function () {
      const { f, offset } = await retiredFraud();
      const state = async () => (await totalsOf(f.ledger, f.acme, 2024)).offsetsRetired;
      await expectNoChange(state, async () => {
        await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 60_001n, "x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientRetired")
          .withArgs(f.alice.address, offset, f.acme.address, 2024, 60_000n, 60_001n);
        // Another year or beneficiary has nothing retired to void.
        await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2023, 1n, "x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientRetired")
          .withArgs(f.alice.address, offset, f.acme.address, 2023, 0n, 1n);
        await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.globex.address, 2024, 1n, "x"))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientRetired")
          .withArgs(f.alice.address, offset, f.globex.address, 2024, 0n, 1n);
      });
      await f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 60_000n, "all");
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 1n, "again"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerInsufficientRetired")
        .withArgs(f.alice.address, offset, f.acme.address, 2024, 0n, 1n);
    });

    it("voids retired RECs out of the beneficiary's REC total", async function () {
      const f = await loadFixture(deployLedger);
      const rec = await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, amount: 500n }));
      await f.ledger.connect(f.alice).retire(f.alice.address, rec, 500n, retirement({ beneficiary: f.globex.address }));
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, rec, f.globex.address, 2024, 200n, "double counted"))
        .to.emit(f.ledger, "RetirementVoided")
        .withArgs(f.alice.address, rec, f.globex.address, 2024, 200n, 0n, "double counted");
      expect((await totalsOf(f.ledger, f.globex, 2024)).recsRetired).to.equal(300n);
      await expectBalanced(f.ledger, rec, [f.alice]);
    });

    it("works while paused, and only for the revoker", async function () {
      const { f, offset } = await retiredFraud();
      await f.ledger.connect(f.pauser).pause();
      for (const caller of [f.admin, f.alice, f.auditor]) {
        await expect(f.ledger.connect(caller).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 1n, "x"))
          .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
          .withArgs(caller.address, ethers.id("REVOKER_ROLE"));
      }
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 1n, "x")).to.emit(
        f.ledger,
        "RetirementVoided",
      );
    });

    it("reverts with LedgerNotRetirable, LedgerZeroAmount and LedgerUnknownToken where there is nothing to void", async function () {
      const { f, offset } = await retiredFraud();
      const debt = await issued(f, emissions(f));
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.acme.address, debt, f.acme.address, 2024, 1n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerNotRetirable")
        .withArgs(debt, TokenType.Emissions);
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, offset, f.acme.address, 2024, 0n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerZeroAmount")
        .withArgs();
      await expect(f.ledger.connect(f.revoker).voidRetirement(f.alice.address, 9n, f.acme.address, 2024, 1n, "x"))
        .to.be.revertedWithCustomError(f.ledger, "LedgerUnknownToken")
        .withArgs(9n);
    });

    it("names the executing proposal in Revoked too, 0 outside an execution or without a source", async function () {
      const { f, source, offset } = await retiredFraud();
      await expect(f.ledger.connect(f.revoker).revoke(f.alice.address, offset, 1n, "no source"))
        .to.emit(f.ledger, "Revoked")
        .withArgs(f.alice.address, offset, f.revoker.address, 1n, 0n, "no source");
      await f.ledger.connect(f.admin).setProposalSource(await source.getAddress());
      await expect(f.ledger.connect(f.revoker).revoke(f.alice.address, offset, 1n, "outside"))
        .to.emit(f.ledger, "Revoked")
        .withArgs(f.alice.address, offset, f.revoker.address, 1n, 0n, "outside");
      await source.setProposalId(7n);
      await expect(f.ledger.connect(f.revoker).revoke(f.alice.address, offset, 1n, "proposal 7"))
        .to.emit(f.ledger, "Revoked")
        .withArgs(f.alice.address, offset, f.revoker.address, 1n, 7n, "proposal 7");
      expect(await f.ledger.proposalSource()).to.equal(await source.getAddress());
    });

    it("lets only the admin set the proposal source", async function () {
      const { f, source } = await retiredFraud();
      await expect(f.ledger.connect(f.revoker).setProposalSource(await source.getAddress()))
        .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(f.revoker.address, DEFAULT_ADMIN_ROLE);
      expect(await f.ledger.proposalSource()).to.equal(ethers.ZeroAddress);
    });
  });

  describe("(5) retirements claim periods that ended, near the token's year", function () {
    async function aliceOffset(vintage: [number, number] = [utc("2024-01-01"), endOfDay("2024-12-31")]) {
      const f = await loadFixture(deployLedger);
      const id = await issued(
        f,
        issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 100n, fromDate: vintage[0], thruDate: vintage[1] }),
      );
      const state = async () => [await f.ledger.retiredOf(id), await f.ledger.balanceOf(f.alice.address, id)];
      return { f, id, state };
    }

    it("reverts with LedgerClaimedPeriodInFuture for a period that has not ended; accepts one ending now", async function () {
      const { f, id, state } = await aliceOffset();
      const now = (await time.latest()) + 100;
      const claim = retirement({ beneficiary: f.acme.address, fromDate: utc("2024-01-01"), thruDate: now + 1 });
      await expectNoChange(state, async () => {
        await time.setNextBlockTimestamp(now);
        await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, claim))
          .to.be.revertedWithCustomError(f.ledger, "LedgerClaimedPeriodInFuture")
          .withArgs(now + 1, now);
      });
      // A period ending in the very block is over; the gap is widened so that today's year is in reach of 2024.
      await f.ledger.connect(f.admin).setClaimYearGap(255);
      const endsNow = retirement({ beneficiary: f.acme.address, fromDate: now - 86_400, thruDate: now + 10 });
      await time.setNextBlockTimestamp(now + 10);
      await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, endsNow)).to.emit(f.ledger, "Retired");
    });

    it("refuses a 2025 vintage claimed for 1990 (LedgerClaimedYearTooFar), and 2100 never ends before it is claimed", async function () {
      const { f, id, state } = await aliceOffset([utc("2025-01-01"), endOfDay("2025-12-31")]);
      expect((await f.ledger.recordOf(id)).year).to.equal(2025);
      const claim = retirement({ beneficiary: f.acme.address, fromDate: utc("1990-01-01"), thruDate: endOfDay("1990-12-31") });
      await expectNoChange(state, async () => {
        await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, claim))
          .to.be.revertedWithCustomError(f.ledger, "LedgerClaimedYearTooFar")
          .withArgs(1990, 2025, 5);
        const future = retirement({ beneficiary: f.acme.address, fromDate: utc("2100-01-01"), thruDate: endOfDay("2100-12-31") });
        await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, future)).to.be.revertedWithCustomError(
          f.ledger,
          "LedgerClaimedPeriodInFuture",
        );
      });
    });

    it("allows a gap of exactly claimYearGap years (default 5) and refuses one more", async function () {
      const { f, id } = await aliceOffset();
      expect(await f.ledger.claimYearGap()).to.equal(5);
      const in2019 = retirement({ beneficiary: f.acme.address, fromDate: utc("2019-01-01"), thruDate: endOfDay("2019-12-31") });
      await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, in2019)).to.emit(f.ledger, "Retired");
      const in2018 = retirement({ beneficiary: f.acme.address, fromDate: utc("2018-01-01"), thruDate: endOfDay("2018-12-31") });
      await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, in2018))
        .to.be.revertedWithCustomError(f.ledger, "LedgerClaimedYearTooFar")
        .withArgs(2018, 2024, 5);
    });

    it("lets the admin set the gap (ClaimYearGapSet) and nobody else", async function () {
      const { f, id } = await aliceOffset();
      await expect(f.ledger.connect(f.revoker).setClaimYearGap(40))
        .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
        .withArgs(f.revoker.address, DEFAULT_ADMIN_ROLE);
      expect(await f.ledger.claimYearGap()).to.equal(5);
      await expect(f.ledger.connect(f.admin).setClaimYearGap(40)).to.emit(f.ledger, "ClaimYearGapSet").withArgs(5, 40);
      expect(await f.ledger.claimYearGap()).to.equal(40);
      const in1990 = retirement({ beneficiary: f.acme.address, fromDate: utc("1990-01-01"), thruDate: endOfDay("1990-12-31") });
      await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, in1990)).to.emit(f.ledger, "Retired");
      await expect(f.ledger.connect(f.admin).setClaimYearGap(0)).to.emit(f.ledger, "ClaimYearGapSet").withArgs(40, 0);
      const in2023 = retirement({ beneficiary: f.acme.address, fromDate: utc("2023-01-01"), thruDate: endOfDay("2023-12-31") });
      await expect(f.ledger.connect(f.alice).retire(f.alice.address, id, 1n, in2023))
        .to.be.revertedWithCustomError(f.ledger, "LedgerClaimedYearTooFar")
        .withArgs(2023, 2024, 0);
    });
  });

  describe("(6) a copied attestation front-run does not sink the batch", function () {
    it("skips an attestation a racer submitted first (IssuanceSkipped) and issues the rest", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const b = await attest(f, emissions(f, { issuee: f.globex.address }), [f.auditor]);
      await f.ledger.connect(f.outsider).issueAttested(a); // the racer copied `a` from the mempool
      const [idA, idB] = [requestId(f, a.request), requestId(f, b.request)];
      expect(await f.ledger.connect(f.bob).issueAttestedBatch.staticCall([a, b])).to.deep.equal([idA, idB]);
      const tx = f.ledger.connect(f.bob).issueAttestedBatch([a, b]);
      await expect(tx).to.emit(f.ledger, "IssuanceSkipped").withArgs(idA, f.bob.address);
      await expect(tx).to.emit(f.ledger, "Attested").withArgs(idB, f.bob.address, [f.auditor.address]);
      expect(await f.ledger.issuedOf(idA)).to.equal(a.request.amount);
      expect((await totalsOf(f.ledger, f.acme, 2024)).emissions).to.equal(a.request.amount);
      expect(await f.ledger.balanceOf(f.globex.address, idB)).to.equal(b.request.amount);
    });

    it("still reverts the batch on a conflicting issuance: same evidence, other amount (LedgerEvidenceUsed)", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const b = await attest(f, emissions(f, { issuee: f.globex.address }), [f.auditor]);
      const conflicting = await attest(f, { ...a.request, amount: a.request.amount - 1n, records: [freshRecord()] }, [f.auditors[1]!]);
      await f.ledger.issueAttested(conflicting);
      const idA = requestId(f, a.request);
      await expectNoChange(emissionsState(f, b.request), () =>
        expect(f.ledger.connect(f.bob).issueAttestedBatch([a, b]))
          .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
          .withArgs(a.request.evidenceHash, idA),
      );
    });

    it("still reverts the batch on a conflicting issuance: its record under other evidence (LedgerRecordUsed)", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const other = emissions(f, { records: a.request.records });
      const otherId = await issued(f, other);
      await expect(f.ledger.connect(f.bob).issueAttestedBatch([a]))
        .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
        .withArgs(a.request.records[0], otherId);
    });

    it("issueAttested alone still reverts on an existing id (LedgerEvidenceUsed)", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      await f.ledger.connect(f.outsider).issueAttested(a);
      await expect(f.ledger.connect(f.bob).issueAttested(a))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
        .withArgs(a.request.evidenceHash, requestId(f, a.request));
    });
  });

  describe("(8) an ERC-1271 contract wallet can be an emissions auditor", function () {
    /** A contract wallet owned by Carol, granted the auditor role; threshold 3. */
    async function withWallet() {
      const f = await loadFixture(deployLedger);
      const wallet = await ethers.deployContract("ERC1271WalletMock", [f.carol.address]);
      const walletAddress = await wallet.getAddress();
      await f.ledger.connect(f.admin).grantRole(await f.ledger.EMISSIONS_AUDITOR_ROLE(), walletAddress);
      await f.ledger.connect(f.admin).setAttestationThreshold(3);
      /** Signs for the wallet: its owner signs the EIP-712 digest, which the wallet checks with ECDSA. */
      const signedBy = (owner: HardhatEthersSigner): TypedDataSigner => ({
        getAddress: async () => walletAddress,
        signTypedData: (domain, types, value) => owner.signTypedData(domain, types, value),
      });
      return { f, wallet, walletAddress, signedBy };
    }

    it("attests together with EOAs, signers in ascending order", async function () {
      const { f, walletAddress, signedBy } = await withWallet();
      const request = emissions(f);
      const deadline = BigInt(await time.latest()) + 3_600n;
      const a = await signAttestation(request, deadline, [signedBy(f.carol), f.auditors[0]!, f.auditors[2]!], f.domain);
      const sorted = [walletAddress, f.auditors[0]!.address, f.auditors[2]!.address].sort((x, y) =>
        BigInt(x) < BigInt(y) ? -1 : 1,
      );
      expect(a.signers).to.deep.equal(sorted);
      const id = requestId(f, request);
      const tx = f.ledger.connect(f.outsider).issueAttested(a);
      await expect(tx).to.emit(f.ledger, "Attested").withArgs(id, f.outsider.address, sorted);
      await expect(tx)
        .to.emit(f.ledger, "Issued")
        .withArgs(id, sorted[0], f.acme.address, TokenType.Emissions, request.amount, request.fromDate, request.thruDate, request.evidenceHash);
      expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(request.amount);
    });

    it("reverts with LedgerAttestationInvalidSignature for a contract signature its wallet refuses", async function () {
      const { f, walletAddress, signedBy } = await withWallet();
      const request = emissions(f);
      const deadline = BigInt(await time.latest()) + 3_600n;
      // Bob is not the wallet's owner: the wallet answers "invalid".
      const a = await signAttestation(request, deadline, [signedBy(f.bob), f.auditors[0]!, f.auditors[2]!], f.domain);
      await expectNoChange(emissionsState(f, request), () =>
        expect(f.ledger.issueAttested(a))
          .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
          .withArgs(walletAddress),
      );
      // A garbage signature (not even ECDSA-shaped) is refused the same way, not with a revert from the wallet.
      const owner = await signAttestation(request, deadline, [signedBy(f.carol), f.auditors[0]!, f.auditors[2]!], f.domain);
      const garbled = assembleAttestation(
        request,
        deadline,
        owner.signers.map((signer, i) => ({ signer, signature: signer === walletAddress ? "0x1234" : owner.signatures[i]! })),
      );
      await expect(f.ledger.issueAttested(garbled))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(walletAddress);
      await expect(f.ledger.issueAttested(owner)).to.emit(f.ledger, "Attested");
    });
  });
});
