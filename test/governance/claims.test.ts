import { expect } from "chai";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import type { IClaimsRegistry } from "../../typechain-types";
import { ClaimsRegistry__factory, ProposalExecutionMock__factory } from "../../typechain-types";
import { deployDao } from "./helpers";

const Kind = { None: 0, NetZero: 1, EmissionsAtMost: 2, Reduction: 3 };
const TONNE = 1_000_000n;
const YEAR = (y: number) => ({ from: Date.UTC(y, 0, 1) / 1000, thru: Date.UTC(y, 11, 31, 23, 59, 59) / 1000 });

type Request = IClaimsRegistry.ClaimRequestStruct;
const request = (over: Partial<Request> = {}): Request => ({
  year: 2024,
  kind: Kind.EmissionsAtMost,
  value: 12n * TONNE,
  baseYear: 0,
  evidenceHash: ethers.id("sustainability report 2024"),
  uri: "ipfs://claim-2024",
  ...over,
});

/** The DAO, a timelock signer, and a company with 20 t audited in 2023 and 10 t in 2024. */
async function companyWithEmissions() {
  const dao = await loadFixture(deployDao);
  const address = await dao.timelock.getAddress();
  await impersonateAccount(address);
  await setBalance(address, 10n ** 18n);
  const timelockSigner = await ethers.getSigner(address);
  let n = 0;
  const issue = async (signer: typeof dao.auditor, tokenType: number, year: number, amount: bigint) => {
    const { from, thru } = YEAR(year);
    const evidenceHash = ethers.id(`evidence ${n++}`);
    await dao.ledger.connect(signer).issue({
      tokenType, issuee: dao.company.address, amount, fromDate: from, thruDate: thru, evidenceHash, metadata: "{}",
    });
    return evidenceHash;
  };
  await issue(dao.auditor, 3, 2023, 20n * TONNE);
  await issue(dao.auditor, 3, 2024, 10n * TONNE);
  const offsets = await issue(timelockSigner, 2, 2024, 30n * TONNE);
  const recs = await issue(timelockSigner, 1, 2024, 9_000_000n);
  const retire = async (id: string, amount: bigint) => {
    const { from, thru } = YEAR(2024);
    await dao.ledger.connect(dao.company).retire(dao.company.address, id, amount, {
      beneficiary: dao.company.address, beneficiaryNameCommitment: ethers.id("salt:Company"),
      fromDate: from, thruDate: thru, reason: "2024 footprint",
    });
  };
  const retireOffsets = (amount: bigint) => retire(offsets, amount);
  const retireRecs = (watthours: bigint) => retire(recs, watthours);
  const issueEmissions = (year: number, amount: bigint) => issue(dao.auditor, 3, year, amount);
  return { ...dao, timelockSigner, retireOffsets, retireRecs, issueEmissions };
}

const PROPOSAL = 42n;

/**
 * A second registry on the same ledger whose "governor" is a mock reporting proposal 42 as executing and whose
 * "timelock" is the deployer: its verdict rules are tested without running proposals. (The DAO's own registry is
 * tested through real proposals in verdicts.test.ts.)
 */
async function registryExecutingProposal() {
  const dao = await loadFixture(companyWithEmissions);
  const governor = await new ProposalExecutionMock__factory(dao.deployer).deploy();
  await governor.setExecutingProposalId(PROPOSAL);
  const registry = await new ClaimsRegistry__factory(dao.deployer).deploy(
    dao.ledger.target, dao.deployer.address, governor.target,
  );
  const decide = (claimId: bigint, approved: boolean, reason = ethers.id("reason")) =>
    registry.connect(dao.deployer).recordVerdict(claimId, approved, reason);
  return { ...dao, registry, mockGovernor: governor, decide };
}

type Totals = { emissions: bigint; offsetsRetired: bigint; recsRetired: bigint; netPosition: bigint };
const totals = (t: { emissions: bigint; offsetsRetired: bigint; recsRetired: bigint; netPosition: bigint }): Totals => ({
  emissions: t.emissions, offsetsRetired: t.offsetsRetired, recsRetired: t.recsRetired, netPosition: t.netPosition,
});
const ZERO_TOTALS: Totals = { emissions: 0n, offsetsRetired: 0n, recsRetired: 0n, netPosition: 0n };

describe("ClaimsRegistry", function () {
  describe("submitting a claim", function () {
    it("records a registered company's claim about itself", async function () {
      const { claims, company } = await loadFixture(companyWithEmissions);
      const r = request();
      await expect(claims.connect(company).submitClaim(r))
        .to.emit(claims, "ClaimSubmitted")
        .withArgs(1n, company.address, 2024, Kind.EmissionsAtMost, 12n * TONNE, 0, r.evidenceHash, r.uri);
      expect(await claims.claimCount()).to.equal(1n);
      const report = await claims.claimOf(1n);
      expect(report.claim.account).to.equal(company.address);
      expect(report.claim.year).to.equal(2024);
      expect(report.claim.kind).to.equal(Kind.EmissionsAtMost);
      expect(report.claim.value).to.equal(12n * TONNE);
      expect(report.claim.evidenceHash).to.equal(r.evidenceHash);
      expect(report.claim.uri).to.equal(r.uri);
      expect(report.verdict.verdict).to.equal(0); // Pending
    });

    it("refuses a company not registered on the ledger", async function () {
      const { claims, outsider } = await loadFixture(companyWithEmissions);
      await expect(claims.connect(outsider).submitClaim(request()))
        .to.be.revertedWithCustomError(claims, "ClaimsUnregisteredCompany")
        .withArgs(outsider.address);
    });

    const invalid: Array<[string, Partial<Request>, string, unknown[]]> = [
      ["no kind", { kind: Kind.None }, "ClaimsInvalidKind", [Kind.None]],
      ["a year before 1970", { year: 1969 }, "ClaimsInvalidYear", [1969]],
      ["a zero evidence hash", { evidenceHash: ethers.ZeroHash }, "ClaimsZeroEvidence", []],
      ["net zero with a value", { kind: Kind.NetZero, value: 1n }, "ClaimsInvalidValue", [Kind.NetZero, 1n]],
      ["net zero with a base year", { kind: Kind.NetZero, value: 0n, baseYear: 2020 }, "ClaimsInvalidBaseYear",
        [Kind.NetZero, 2024, 2020]],
      ["a ceiling with a base year", { baseYear: 2020 }, "ClaimsInvalidBaseYear", [Kind.EmissionsAtMost, 2024, 2020]],
      ["a reduction of 0 bp", { kind: Kind.Reduction, value: 0n, baseYear: 2020 }, "ClaimsInvalidValue",
        [Kind.Reduction, 0n]],
      ["a reduction above 10000 bp", { kind: Kind.Reduction, value: 10_001n, baseYear: 2020 }, "ClaimsInvalidValue",
        [Kind.Reduction, 10_001n]],
      ["a reduction against the same year", { kind: Kind.Reduction, value: 5_000n, baseYear: 2024 },
        "ClaimsInvalidBaseYear", [Kind.Reduction, 2024, 2024]],
      ["a reduction against a year before 1970", { kind: Kind.Reduction, value: 5_000n, baseYear: 1969 },
        "ClaimsInvalidBaseYear", [Kind.Reduction, 2024, 1969]],
    ];
    for (const [what, over, error, args] of invalid) {
      it(`refuses ${what} with ${error}`, async function () {
        const { claims, company } = await loadFixture(companyWithEmissions);
        await expect(claims.connect(company).submitClaim(request(over)))
          .to.be.revertedWithCustomError(claims, error)
          .withArgs(...args);
      });
    }
  });

  describe("recording a verdict", function () {
    it("refuses anyone but the timelock", async function () {
      const { claims, company, alice } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request());
      await expect(claims.connect(alice).recordVerdict(1n, true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(claims, "ClaimsUnauthorizedVerdict")
        .withArgs(alice.address);
    });

    it("refuses the timelock itself outside a proposal's execution, with ClaimsVerdictWithoutProposal", async function () {
      const { claims, company, timelockSigner, governor } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request());
      expect(await governor.executingProposalId()).to.equal(0n);
      await expect(claims.connect(timelockSigner).recordVerdict(1n, true, ethers.id("ok")))
        .to.be.revertedWithCustomError(claims, "ClaimsVerdictWithoutProposal")
        .withArgs(1n);
      expect((await claims.claimOf(1n)).verdict.verdict).to.equal(0); // still Pending
    });

    it("records once, attributed to the executing proposal", async function () {
      const { registry, company, decide } = await loadFixture(registryExecutingProposal);
      await registry.connect(company).submitClaim(request());
      const reason = ethers.id("ok");
      const tx = decide(1n, true, reason);
      await expect(tx).to.emit(registry, "VerdictRecorded").withArgs(1n, PROPOSAL, 1, reason);
      const block = await (await tx).getBlock();
      const verdict = (await registry.claimOf(1n)).verdict;
      expect(verdict.verdict).to.equal(1); // Approved
      expect(verdict.proposalId).to.equal(PROPOSAL);
      expect(verdict.decidedAt).to.equal(block!.timestamp);
      expect(verdict.reasonHash).to.equal(reason);
      await expect(decide(1n, false, reason))
        .to.be.revertedWithCustomError(registry, "ClaimsVerdictAlreadyRecorded")
        .withArgs(1n, 1);
    });

    it("refuses an unknown claim", async function () {
      const { claims, timelockSigner } = await loadFixture(companyWithEmissions);
      await expect(claims.connect(timelockSigner).recordVerdict(9n, true, ethers.ZeroHash))
        .to.be.revertedWithCustomError(claims, "ClaimsUnknownClaim")
        .withArgs(9n);
      await expect(claims.claimOf(9n)).to.be.revertedWithCustomError(claims, "ClaimsUnknownClaim").withArgs(9n);
    });
  });

  describe("reading a claim against the live ledger", function () {
    async function consistent(over: Partial<Request>): Promise<boolean> {
      const { claims, company } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request(over));
      return (await claims.claimOf(1n)).live.consistent;
    }

    it("returns the ledger's figures for the company and year", async function () {
      const { claims, company, retireOffsets } = await loadFixture(companyWithEmissions);
      await retireOffsets(4n * TONNE);
      await claims.connect(company).submitClaim(request({ kind: Kind.Reduction, value: 5_000n, baseYear: 2023 }));
      const report = await claims.claimOf(1n);
      expect(report.live.totals.emissions).to.equal(10n * TONNE);
      expect(report.live.totals.offsetsRetired).to.equal(4n * TONNE);
      expect(report.live.totals.netPosition).to.equal(6n * TONNE);
      expect(report.live.baseTotals.emissions).to.equal(20n * TONNE);
    });

    it("reads no base year for a claim other than a reduction", async function () {
      const { claims, company } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request());
      expect(totals((await claims.claimOf(1n)).live.baseTotals)).to.deep.equal(ZERO_TOTALS);
    });

    it("checks a ceiling against audited emissions", async function () {
      expect(await consistent({ value: 10n * TONNE })).to.equal(true);
      expect(await consistent({ value: 10n * TONNE - 1n })).to.equal(false);
    });

    it("checks a reduction against the base year", async function () {
      expect(await consistent({ kind: Kind.Reduction, value: 5_000n, baseYear: 2023 })).to.equal(true);
      expect(await consistent({ kind: Kind.Reduction, value: 5_001n, baseYear: 2023 })).to.equal(false);
      expect(await consistent({ kind: Kind.Reduction, value: 1n, baseYear: 2022 })).to.equal(false); // no base data
    });

    it("checks net zero against emissions minus retired offsets", async function () {
      const { claims, company, retireOffsets } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request({ kind: Kind.NetZero, value: 0n }));
      expect((await claims.claimOf(1n)).live.consistent).to.equal(false);
      await retireOffsets(10n * TONNE);
      expect((await claims.claimOf(1n)).live.consistent).to.equal(true);
    });

    it("never finds a year without audited emissions consistent", async function () {
      expect(await consistent({ year: 2025, value: 10n * TONNE })).to.equal(false);
    });

    it("names its ledger, timelock and governor", async function () {
      const { claims, ledger, timelock, governor } = await loadFixture(companyWithEmissions);
      expect(await claims.ledger()).to.equal(await ledger.getAddress());
      expect(await claims.timelock()).to.equal(await timelock.getAddress());
      expect(await claims.governor()).to.equal(await governor.getAddress());
    });
  });

  describe("a verdict freezes the figures it was based on", function () {
    it("reports nothing frozen and nothing changed while the claim is pending", async function () {
      const { registry, company, retireOffsets } = await loadFixture(registryExecutingProposal);
      await registry.connect(company).submitClaim(request());
      await retireOffsets(1n * TONNE);
      const report = await registry.claimOf(1n);
      expect(totals(report.frozen.totals)).to.deep.equal(ZERO_TOTALS);
      expect(totals(report.frozen.baseTotals)).to.deep.equal(ZERO_TOTALS);
      expect(report.frozen.consistent).to.equal(false);
      expect(report.live.totals.offsetsRetired).to.equal(1n * TONNE);
      expect(report.changedSinceVerdict).to.equal(false);
    });

    it("stores the year's totals and consistency with the verdict, equal to the live ones at that moment", async function () {
      const { registry, company, retireOffsets, retireRecs, decide } = await loadFixture(registryExecutingProposal);
      await retireOffsets(4n * TONNE);
      await retireRecs(2_000_000n);
      await registry.connect(company).submitClaim(request({ value: 10n * TONNE }));
      const frozen = [10n * TONNE, 4n * TONNE, 2_000_000n, 6n * TONNE];
      await expect(decide(1n, true))
        .to.emit(registry, "VerdictFiguresFrozen")
        .withArgs(1n, [frozen, [0n, 0n, 0n, 0n], true]);
      const report = await registry.claimOf(1n);
      expect(totals(report.frozen.totals)).to.deep.equal(totals(report.live.totals));
      expect(report.frozen.totals.netPosition).to.equal(6n * TONNE);
      expect(report.frozen.consistent).to.equal(true);
      expect(report.changedSinceVerdict).to.equal(false);
    });

    it("notices a change of retired RECs alone (consistency unchanged)", async function () {
      const { registry, company, retireRecs, decide } = await loadFixture(registryExecutingProposal);
      await registry.connect(company).submitClaim(request({ value: 10n * TONNE }));
      await decide(1n, true);
      await retireRecs(1_000_000n);
      const report = await registry.claimOf(1n);
      expect(report.frozen.totals.recsRetired).to.equal(0n);
      expect(report.live.totals.recsRetired).to.equal(1_000_000n);
      expect(report.live.consistent).to.equal(report.frozen.consistent);
      expect(report.changedSinceVerdict).to.equal(true);
    });

    it("keeps them when the ledger changes afterwards, and says the live figures changed", async function () {
      const { registry, company, retireOffsets, decide } = await loadFixture(registryExecutingProposal);
      await registry.connect(company).submitClaim(request({ kind: Kind.NetZero, value: 0n }));
      await decide(1n, false);
      await retireOffsets(12n * TONNE);
      const report = await registry.claimOf(1n);
      expect(report.verdict.verdict).to.equal(2); // Rejected
      expect(report.frozen.totals.offsetsRetired).to.equal(0n);
      expect(report.frozen.totals.netPosition).to.equal(10n * TONNE);
      expect(report.frozen.consistent).to.equal(false);
      expect(report.live.totals.netPosition).to.equal(-2n * TONNE);
      expect(report.live.consistent).to.equal(true);
      expect(report.changedSinceVerdict).to.equal(true);
    });

    it("freezes the base year of a reduction claim too, and notices a change there alone", async function () {
      const { registry, company, issueEmissions, decide } = await loadFixture(registryExecutingProposal);
      await registry.connect(company).submitClaim(request({ kind: Kind.Reduction, value: 5_000n, baseYear: 2023 }));
      await expect(decide(1n, true))
        .to.emit(registry, "VerdictFiguresFrozen")
        .withArgs(1n, [[10n * TONNE, 0n, 0n, 10n * TONNE], [20n * TONNE, 0n, 0n, 20n * TONNE], true]);
      expect((await registry.claimOf(1n)).changedSinceVerdict).to.equal(false);
      await issueEmissions(2023, 1n * TONNE); // a late audit of the base year
      const report = await registry.claimOf(1n);
      expect(report.frozen.baseTotals.emissions).to.equal(20n * TONNE);
      expect(report.live.baseTotals.emissions).to.equal(21n * TONNE);
      expect(totals(report.live.totals)).to.deep.equal(totals(report.frozen.totals));
      expect(report.changedSinceVerdict).to.equal(true);
    });
  });
});
