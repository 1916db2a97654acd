import { expect } from "chai";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import {
  DEFAULT_CRITERIA,
  Vote,
  changeGovernorSetting,
  changeLedgerRole,
  encodeCriteriaVotes,
  issueToProject,
  projectEvidenceHash,
  proposalId,
  recordClaimVerdict,
  revokeIssuance,
  unwrap,
  voidRetirement,
} from "../../scripts/governance/proposals";
import { CarbonLedger__factory } from "../../typechain-types";
import { DEC_2024_END, JAN_2024, ProposalHelper, deployDao } from "./helpers";

const A = "0x" + "11".repeat(20);
const B = "0x" + "22".repeat(20);
const EVIDENCE = ethers.id("evidence");
const issuance = {
  ledger: A, kind: "rec" as const, project: B, projectName: "Solar park", amount: 4_200_000n,
  fromDate: JAN_2024, thruDate: DEC_2024_END, evidenceHash: EVIDENCE, metadata: "{}",
};

describe("Proposal builders", function () {
  describe("issueToProject", function () {
    it("names the amount in human units, the project and the period, with the default criteria", function () {
      const p = unwrap(issueToProject(issuance));
      expect(p.description).to.equal(
        `Issue 4.2 MWh of renewable energy certificates to Solar park (${ethers.getAddress(B)}) ` +
          `for 2024-01-01..2024-12-31, evidence ${EVIDENCE}`,
      );
      expect(p.criteria).to.deep.equal(DEFAULT_CRITERIA);
      expect(p.targets).to.deep.equal([ethers.getAddress(A)]);
      expect(p.values).to.deep.equal([0n]);
    });

    it("builds a plain proposal when criteria are null, and keeps given criteria", function () {
      expect(unwrap(issueToProject({ ...issuance, criteria: null })).criteria).to.equal(undefined);
      expect(unwrap(issueToProject({ ...issuance, criteria: ["real"] })).criteria).to.deep.equal(["real"]);
    });

    it("collects every problem with the input", function () {
      const r = issueToProject({
        ...issuance, ledger: "nope", project: "0x12", amount: 0n, evidenceHash: "0x00", fromDate: DEC_2024_END,
        thruDate: JAN_2024, projectName: " ", criteria: [], proposer: "x",
      });
      expect(r.ok).to.equal(false);
      if (r.ok) return;
      for (const part of ['ledger "nope"', 'project "0x12"', "amount 0", "evidence hash", "ends before it starts",
        "project name", "criteria: expected 1 to 16", 'proposer "x"']) {
        expect(r.error).to.contain(part);
      }
      expect(() => unwrap(r)).to.throw('ledger "nope"');
    });

    it("refuses a zero evidence hash, bad dates and empty criterion names", function () {
      const r = issueToProject({ ...issuance, evidenceHash: ethers.ZeroHash, fromDate: -1, criteria: ["real", ""] });
      expect(r.ok).to.equal(false);
      if (!r.ok) {
        expect(r.error).to.contain("evidence hash: must not be zero");
        expect(r.error).to.contain("expected unix seconds");
        expect(r.error).to.contain("criterion 1");
      }
    });
  });

  it("revokeIssuance accepts a hex or bigint id and refuses bad ones", function () {
    const base = { ledger: A, holder: B, amount: 830_000n, quantity: "mass" as const, reason: "fraud" };
    const p = unwrap(revokeIssuance({ ...base, id: EVIDENCE }));
    expect(p.description).to.equal(`Revoke 830 kg CO2e of token ${EVIDENCE} held by ${ethers.getAddress(B)}: fraud`);
    expect(unwrap(revokeIssuance({ ...base, id: BigInt(EVIDENCE) })).calldatas).to.deep.equal(p.calldatas);
    const bad = revokeIssuance({ ...base, id: 0n, amount: 0n, reason: "" });
    expect(bad.ok).to.equal(false);
    if (!bad.ok) for (const part of ["token id 0", "amount 0", "reason"]) expect(bad.error).to.contain(part);
    expect(revokeIssuance({ ...base, id: "0x1234" }).ok).to.equal(false);
  });

  describe("voidRetirement", function () {
    const base = {
      ledger: A, holder: B, id: EVIDENCE, beneficiary: A, year: 2024, amount: 12_500_000n, quantity: "mass" as const, reason: "double counted",
    };

    it("calls voidRetirement and names the amount in human units, the receipt's beneficiary and year", function () {
      const p = unwrap(voidRetirement({ ...base, proposer: A }));
      expect(p.targets).to.deep.equal([ethers.getAddress(A)]);
      expect(p.values).to.deep.equal([0n]);
      expect(p.description).to.equal(
        `Void 12.5 t CO2e of the retirement of token ${EVIDENCE} by ${ethers.getAddress(B)} for beneficiary ${ethers.getAddress(A)} ` +
          `in 2024: double counted\n\n#proposer=${ethers.getAddress(A)}`,
      );
      const call = CarbonLedger__factory.createInterface().parseTransaction({ data: p.calldatas[0] ?? "" });
      expect(call?.name).to.equal("voidRetirement");
      expect([...(call?.args ?? [])]).to.deep.equal([ethers.getAddress(B), BigInt(EVIDENCE), ethers.getAddress(A), 2024n, 12_500_000n, "double counted"]);
      expect(unwrap(voidRetirement({ ...base, id: BigInt(EVIDENCE) })).calldatas).to.deep.equal(p.calldatas);
    });

    it("shows RECs in energy units", function () {
      const p = unwrap(voidRetirement({ ...base, amount: 4_200_000n, quantity: "energy" }));
      expect(p.description).to.match(/^Void 4\.2 MWh of the retirement of token /);
    });

    it("collects every problem with the input, as revokeIssuance does", function () {
      const bad = voidRetirement({ ...base, ledger: "nope", holder: "0x12", beneficiary: "x", id: 0n, year: 99, amount: 0n, reason: " ", proposer: "y" });
      expect(bad.ok).to.equal(false);
      if (!bad.ok) {
        for (const part of ['ledger "nope"', 'holder "0x12"', 'beneficiary "x"', "token id 0", "year 99", "amount 0", "reason", 'proposer "y"']) {
          expect(bad.error).to.contain(part);
        }
      }
      expect(voidRetirement({ ...base, id: "0x1234" }).ok).to.equal(false);
      expect(voidRetirement({ ...base, year: 2024.5 }).ok).to.equal(false);
    });
  });

  it("issueToProject passes records through and refuses zero or repeated ones", function () {
    const record = ethers.id("record 1");
    const p = unwrap(issueToProject({ ...issuance, records: [record] }));
    const call = CarbonLedger__factory.createInterface().parseTransaction({ data: p.calldatas[0] ?? "" });
    expect([...(call?.args[0].records ?? [])]).to.deep.equal([record]);
    expect(issueToProject({ ...issuance, records: [ethers.ZeroHash] }).ok).to.equal(false);
    expect(issueToProject({ ...issuance, records: [record, record] }).ok).to.equal(false);
  });

  it("recordClaimVerdict hashes the published reason", function () {
    const p = unwrap(recordClaimVerdict({ registry: A, claimId: 3n, approved: true, reason: "figures match" }));
    expect(p.description).to.equal(`Approve climate claim #3: figures match (reason hash ${ethers.id("figures match")})`);
    const bad = recordClaimVerdict({ registry: A, claimId: 0n, approved: false, reason: " " });
    expect(bad.ok).to.equal(false);
  });

  it("changeLedgerRole grants and revokes named roles only", function () {
    const grant = unwrap(changeLedgerRole({ ledger: A, role: "pauser_role", account: B, grant: true }));
    expect(grant.description).to.equal(`Grant ledger role PAUSER_ROLE to ${ethers.getAddress(B)}`);
    const revoke = unwrap(changeLedgerRole({ ledger: A, role: "REGISTRAR_ROLE", account: B, grant: false }));
    expect(revoke.description).to.equal(`Revoke ledger role REGISTRAR_ROLE from ${ethers.getAddress(B)}`);
    const admin = changeLedgerRole({ ledger: A, role: "DEFAULT_ADMIN_ROLE", account: B, grant: true });
    expect(admin.ok).to.equal(false);
  });

  it("changeGovernorSetting refuses unknown settings and out-of-range values", function () {
    expect(unwrap(changeGovernorSetting({ governor: A, setting: "quorumNumerator", value: 20n })).description).to.equal(
      "Set governor quorumNumerator to 20% of supply",
    );
    expect(changeGovernorSetting({ governor: A, setting: "quorumNumerator", value: 101n }).ok).to.equal(false);
    expect(changeGovernorSetting({ governor: A, setting: "timelock", value: 1n }).ok).to.equal(false);
  });

  it("projectEvidenceHash does not depend on the order of documents", function () {
    const [d1, d2] = [ethers.id("a"), ethers.id("b")];
    expect(projectEvidenceHash([d1, d2], "{}")).to.equal(projectEvidenceHash([d2, d1], "{}"));
    expect(projectEvidenceHash([d1, d2], "{}")).not.to.equal(projectEvidenceHash([d1, d2], "{ }"));
  });

  it("encodeCriteriaVotes writes one byte per criterion", function () {
    expect(encodeCriteriaVotes([Vote.For, Vote.Against, Vote.Abstain])).to.equal("0x010002");
  });

  it("proposalId and #proposer= agree with the governor", async function () {
    const dao = await loadFixture(deployDao);
    const p = unwrap(
      changeGovernorSetting({ governor: dao.governor.target as string, setting: "votingDelay", value: 1n,
        proposer: dao.alice.address }),
    );
    expect(p.description.endsWith(`#proposer=${dao.alice.address}`)).to.equal(true);
    const helper = new ProposalHelper(dao.governor, p);
    expect(await dao.governor.hashProposal(p.targets, p.values, p.calldatas, helper.descriptionHash)).to.equal(
      proposalId(p),
    );
    await expect(helper.propose(dao.bob)).to.be.revertedWithCustomError(dao.governor, "GovernorRestrictedProposer");
  });
});
