/**
 * Verdicts that stand (issue 8, scenarios 5 and 7): a verdict comes only from a governor proposal's execution and is
 * attributed to that proposal; it freezes the ledger figures it was based on.
 */
import { expect } from "chai";
import { impersonateAccount, loadFixture, setBalance } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { ExecutionHookMock__factory } from "../../typechain-types";
import type { Proposal } from "../../scripts/governance/proposals";
import { Vote, recordClaimVerdict, unwrap } from "../../scripts/governance/proposals";
import { ProposalHelper, deployDao } from "./helpers";

const TONNE = 1_000_000n;
const JAN_2024 = Date.UTC(2024, 0, 1) / 1000;
const DEC_2024 = Date.UTC(2024, 11, 31, 23, 59, 59) / 1000;
const Verdict = { Pending: 0, Approved: 1, Rejected: 2 };

/**
 * The DAO; a company with 10 t audited for 2024 and 30 t of offsets it has not retired; claim 1 (net zero 2024) and
 * claim 2 (at most 12 t in 2024); and a contract a proposal can call (hook).
 */
async function daoWithClaims() {
  const dao = await loadFixture(deployDao);
  const timelockAddress = await dao.timelock.getAddress();
  await impersonateAccount(timelockAddress);
  await setBalance(timelockAddress, 10n ** 18n);
  const timelockSigner = await ethers.getSigner(timelockAddress);
  const issue = (signer: typeof dao.auditor, tokenType: number, amount: bigint, evidence: string) =>
    dao.ledger.connect(signer).issue({
      tokenType, issuee: dao.company.address, amount, fromDate: JAN_2024, thruDate: DEC_2024,
      evidenceHash: ethers.id(evidence), metadata: "{}",
    });
  await issue(dao.auditor, 3, 10n * TONNE, "audit 2024");
  await issue(timelockSigner, 2, 30n * TONNE, "offsets"); // set-up only: offsets the company bought
  const retireOffsets = (amount: bigint) =>
    dao.ledger.connect(dao.company).retire(dao.company.address, ethers.id("offsets"), amount, {
      beneficiary: dao.company.address, beneficiaryNameCommitment: ethers.id("salt:Company"),
      fromDate: JAN_2024, thruDate: DEC_2024, reason: "2024 footprint",
    });
  const claim = (kind: number, value: bigint, n: number) =>
    dao.claims.connect(dao.company).submitClaim({
      year: 2024, kind, value, baseYear: 0, evidenceHash: ethers.id(`report ${n}`), uri: `ipfs://claim-${n}`,
    });
  await claim(1, 0n, 1);
  await claim(2, 12n * TONNE, 2);
  const hook = await new ExecutionHookMock__factory(dao.deployer).deploy();
  const verdict = (claimId: bigint, approved: boolean, reason: string) =>
    new ProposalHelper(
      dao.governor,
      unwrap(recordClaimVerdict({ registry: dao.claims.target as string, claimId, approved, reason })),
    );
  return { ...dao, timelockSigner, retireOffsets, hook, verdict };
}

/** Proposes, passes and queues every proposal, then waits until all are ready to execute. */
async function readyTogether(helpers: ProposalHelper[], dao: Awaited<ReturnType<typeof daoWithClaims>>) {
  for (const h of helpers) await h.propose(dao.alice);
  await helpers[0]!.waitForSnapshot();
  for (const h of helpers) await h.vote(dao.alice, Vote.For);
  for (const h of helpers) await h.waitForDeadline();
  for (const h of helpers) await h.queue();
  for (const h of helpers) await h.waitForEta();
}

/** The timelock's `executeBatch` call data for a queued proposal, as someone bypassing the governor would send it. */
function directExecution(dao: Awaited<ReturnType<typeof daoWithClaims>>, h: ProposalHelper): string {
  const p = h.proposal;
  return dao.timelock.interface.encodeFunctionData("executeBatch", [
    p.targets, p.values, p.calldatas, ethers.ZeroHash, h.timelockSalt,
  ]);
}

describe("Verdicts that stand", function () {
  describe("a verdict comes only from a proposal's execution, attributed to it", function () {
    it("refuses anyone running a queued verdict directly on the timelock (only the governor executes)", async function () {
      const dao = await loadFixture(daoWithClaims);
      const b = dao.verdict(1n, true, "approve without the DAO's execution");
      await readyTogether([b], dao);
      const executor = await dao.timelock.EXECUTOR_ROLE();
      for (const someone of [dao.outsider, dao.alice]) {
        await expect(someone.sendTransaction({ to: dao.timelock.target, data: directExecution(dao, b) }))
          .to.be.revertedWithCustomError(dao.timelock, "AccessControlUnauthorizedAccount")
          .withArgs(someone.address, executor);
      }
      expect((await dao.claims.claimOf(1n)).verdict.verdict).to.equal(Verdict.Pending);
      await expect(b.execute(dao.outsider)).to.emit(dao.claims, "VerdictRecorded").withArgs(1n, b.id, Verdict.Approved,
        ethers.id("approve without the DAO's execution"));
    });

    it("records nothing even for an account the timelock made an executor: the registry wants a proposal", async function () {
      const dao = await loadFixture(daoWithClaims);
      const b = dao.verdict(1n, true, "approve");
      await readyTogether([b], dao);
      await dao.timelock.connect(dao.timelockSigner).grantRole(await dao.timelock.EXECUTOR_ROLE(), dao.outsider.address);
      await expect(dao.outsider.sendTransaction({ to: dao.timelock.target, data: directExecution(dao, b) }))
        .to.be.revertedWithCustomError(dao.claims, "ClaimsVerdictWithoutProposal")
        .withArgs(1n);
      expect((await dao.claims.claimOf(1n)).verdict.verdict).to.equal(Verdict.Pending);
    });

    it("refuses a target of proposal A that runs proposal B's ready verdict directly on the timelock", async function () {
      const dao = await loadFixture(daoWithClaims);
      const b = dao.verdict(1n, true, "approve");
      const a = new ProposalHelper(dao.governor, {
        targets: [dao.hook.target as string], values: [0n],
        calldatas: [dao.hook.interface.encodeFunctionData("onProposalCall")], description: "A: calls the hook",
      } satisfies Proposal);
      await readyTogether([a, b], dao);
      await dao.hook.setHook(dao.timelock.target, directExecution(dao, b));
      await expect(a.execute())
        .to.be.revertedWithCustomError(dao.timelock, "AccessControlUnauthorizedAccount")
        .withArgs(dao.hook.target, await dao.timelock.EXECUTOR_ROLE());
      expect((await dao.claims.claimOf(1n)).verdict.verdict).to.equal(Verdict.Pending);
      await b.execute();
      expect((await dao.claims.claimOf(1n)).verdict.proposalId).to.equal(b.id);
    });

    it("attributes proposal B's verdict to B when a target of proposal A executes B through the governor, and A's own to A", async function () {
      const dao = await loadFixture(daoWithClaims);
      const b = dao.verdict(1n, false, "offsets not retired");
      const ownReason = ethers.id("ceiling respected");
      const a = new ProposalHelper(dao.governor, {
        targets: [dao.hook.target as string, dao.claims.target as string], values: [0n, 0n],
        calldatas: [
          dao.hook.interface.encodeFunctionData("onProposalCall"),
          dao.claims.interface.encodeFunctionData("recordVerdict", [2n, true, ownReason]),
        ],
        description: "A: calls the hook, then approves claim 2",
      } satisfies Proposal);
      await readyTogether([a, b], dao);
      const p = b.proposal;
      await dao.hook.setHook(
        dao.governor.target,
        dao.governor.interface.encodeFunctionData("execute", [p.targets, p.values, p.calldatas, b.descriptionHash]),
      );
      const tx = a.execute();
      await expect(tx).to.emit(dao.claims, "VerdictRecorded").withArgs(1n, b.id, Verdict.Rejected,
        ethers.id("offsets not retired"));
      await expect(tx).to.emit(dao.claims, "VerdictRecorded").withArgs(2n, a.id, Verdict.Approved, ownReason);
      expect((await dao.claims.claimOf(1n)).verdict.proposalId).to.equal(b.id);
      expect((await dao.claims.claimOf(2n)).verdict.proposalId).to.equal(a.id);
      expect(await dao.governor.state(a.id)).to.equal(7); // Executed
      expect(await dao.governor.state(b.id)).to.equal(7);
      expect(await dao.governor.executingProposalId()).to.equal(0n);
    });
  });

  describe("a verdict freezes the figures it was based on", function () {
    it("keeps a rejected net-zero claim rejected, with its figures, after the company retires more offsets", async function () {
      const dao = await loadFixture(daoWithClaims);
      await dao.retireOffsets(4n * TONNE);
      const reject = dao.verdict(1n, false, "net position 6 t: not net zero");
      await expect(reject.run(dao.alice, [[dao.alice, Vote.For]]))
        .to.emit(dao.claims, "VerdictFiguresFrozen")
        .withArgs(1n, [[10n * TONNE, 4n * TONNE, 0n, 6n * TONNE], [0n, 0n, 0n, 0n], false]);
      const before = await dao.claims.claimOf(1n);
      expect(before.changedSinceVerdict).to.equal(false);

      await dao.retireOffsets(20n * TONNE); // net position -14 t: the claim would hold now

      const after = await dao.claims.claimOf(1n);
      expect(after.verdict.verdict).to.equal(Verdict.Rejected);
      expect(after.verdict.proposalId).to.equal(reject.id);
      expect(after.frozen.totals.offsetsRetired).to.equal(4n * TONNE);
      expect(after.frozen.totals.netPosition).to.equal(6n * TONNE);
      expect(after.frozen.consistent).to.equal(false);
      expect(after.frozen).to.deep.equal(before.frozen);
      expect(after.live.totals.offsetsRetired).to.equal(24n * TONNE);
      expect(after.live.totals.netPosition).to.equal(-14n * TONNE);
      expect(after.live.consistent).to.equal(true);
      expect(after.changedSinceVerdict).to.equal(true);
    });
  });
});
