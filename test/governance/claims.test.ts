import { expect } from "chai";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import type { IClaimsRegistry } from "../../typechain-types";
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
  const retireOffsets = async (amount: bigint) => {
    const { from, thru } = YEAR(2024);
    await dao.ledger.connect(dao.company).retire(dao.company.address, offsets, amount, {
      beneficiary: dao.company.address, beneficiaryNameCommitment: ethers.id("salt:Company"),
      fromDate: from, thruDate: thru, reason: "2024 footprint",
    });
  };
  return { ...dao, timelockSigner, retireOffsets };
}

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

    it("records once, with proposal id 0 when the governor is not executing a proposal", async function () {
      const { claims, company, timelockSigner } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request());
      const reason = ethers.id("ok");
      await expect(claims.connect(timelockSigner).recordVerdict(1n, true, reason))
        .to.emit(claims, "VerdictRecorded")
        .withArgs(1n, 0n, 1, reason);
      await expect(claims.connect(timelockSigner).recordVerdict(1n, false, reason))
        .to.be.revertedWithCustomError(claims, "ClaimsVerdictAlreadyRecorded")
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

  describe("reading a claim against the ledger", function () {
    async function consistent(over: Partial<Request>): Promise<boolean> {
      const { claims, company } = await loadFixture(companyWithEmissions);
      await claims.connect(company).submitClaim(request(over));
      return (await claims.claimOf(1n)).consistent;
    }

    it("returns the ledger's figures for the company and year", async function () {
      const { claims, company, retireOffsets } = await loadFixture(companyWithEmissions);
      await retireOffsets(4n * TONNE);
      await claims.connect(company).submitClaim(request({ kind: Kind.Reduction, value: 5_000n, baseYear: 2023 }));
      const report = await claims.claimOf(1n);
      expect(report.totals.emissions).to.equal(10n * TONNE);
      expect(report.totals.offsetsRetired).to.equal(4n * TONNE);
      expect(report.totals.netPosition).to.equal(6n * TONNE);
      expect(report.baseTotals.emissions).to.equal(20n * TONNE);
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
      expect((await claims.claimOf(1n)).consistent).to.equal(false);
      await retireOffsets(10n * TONNE);
      expect((await claims.claimOf(1n)).consistent).to.equal(true);
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
});
