import { expect } from "chai";
import fc from "fast-check";
import { impersonateAccount, loadFixture, setBalance, time } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import type { Signer } from "ethers";
import { ClimateGovernor__factory } from "../../typechain-types";
import type { ClimateGovernor } from "../../typechain-types";
import { Vote } from "../../scripts/governance/proposals";
import type { VoteSupport } from "../../scripts/governance/proposals";
import { ProposalHelper, SETTINGS, TOKEN, deployTransferableDao, offsetsProposal, sqrt } from "./helpers";

/** Linear and quadratic governors on the same token and timelock, and a proposer outside the random actors. */
async function twoTallies() {
  const dao = await loadFixture(deployTransferableDao);
  const address = await dao.timelock.getAddress();
  await impersonateAccount(address);
  await setBalance(address, 10n ** 18n);
  const minter = await ethers.getSigner(address);
  const g = SETTINGS;
  const quadratic = await new ClimateGovernor__factory(dao.deployer).deploy(
    dao.token.target, dao.timelock.target, g.votingDelay, g.votingPeriod, g.proposalThreshold, g.quorumNumerator,
    g.lateQuorumExtension, true,
  );
  const proposer = dao.relayer;
  await dao.token.connect(minter).mint(proposer.address, g.proposalThreshold);
  await dao.token.connect(proposer).delegate(proposer.address);
  const actors = [...dao.members, dao.outsider];
  return { ...dao, quadratic, minter, proposer, actors };
}

type Action =
  | { kind: "delegate"; from: number; to: number }
  | { kind: "transfer"; from: number; to: number; percent: number }
  | { kind: "mint"; to: number; amount: bigint }
  | { kind: "burn"; from: number; percent: number };

const ACTORS = 6;
const actor = fc.nat({ max: ACTORS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant("delegate" as const), from: actor, to: actor }),
  fc.record({ kind: fc.constant("transfer" as const), from: actor, to: actor, percent: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant("mint" as const), to: actor, amount: fc.bigInt({ min: 0n, max: 500n * TOKEN }) }),
  fc.record({ kind: fc.constant("burn" as const), from: actor, percent: fc.integer({ min: 0, max: 100 }) }),
);
const support = fc.constantFrom<VoteSupport>(Vote.Against, Vote.For, Vote.Abstain);
/** Per actor: no vote, or a plain support and three criteria supports. */
const ballot = fc.option(fc.record({ plain: support, criteria: fc.tuple(support, support, support) }), { nil: undefined });

type World = Awaited<ReturnType<typeof twoTallies>>;

async function apply(w: World, a: Action): Promise<void> {
  const signer = (i: number): Signer => w.actors[i]!;
  const address = (i: number): string => w.actors[i]!.address;
  switch (a.kind) {
    case "delegate":
      await w.token.connect(signer(a.from)).delegate(address(a.to));
      return;
    case "transfer": {
      const amount = ((await w.token.balanceOf(address(a.from))) * BigInt(a.percent)) / 100n;
      await w.token.connect(signer(a.from)).transfer(address(a.to), amount);
      return;
    }
    case "mint":
      await w.token.connect(w.minter).mint(address(a.to), a.amount);
      return;
    case "burn": {
      const amount = ((await w.token.balanceOf(address(a.from))) * BigInt(a.percent)) / 100n;
      await w.token.connect(w.minter).burn(address(a.from), amount);
      return;
    }
  }
}

/**
 * The state a finished vote must have, recomputed from the public tallies and the token's past supply (the
 * governor answers from what the votes recorded instead).
 */
async function recomputedState(governor: ClimateGovernor, id: bigint, criteria: number): Promise<bigint> {
  const quorumMet = (await governor.quorum(await governor.proposalSnapshot(id))) <= (await governor.proposalQuorumVotes(id));
  let succeeded: boolean;
  if (criteria === 0) {
    const [against, forVotes] = await governor.proposalVotes(id);
    succeeded = forVotes > against;
  } else {
    succeeded = true;
    for (let i = 0; i < criteria; i++) {
      const [against, forVotes] = await governor.criterionVotes(id, i);
      succeeded &&= forVotes > against;
    }
  }
  return quorumMet && succeeded ? 4n /* Succeeded */ : 3n /* Defeated */;
}

async function tallies(governor: ClimateGovernor, plainId: bigint, criteriaId: bigint) {
  const rows = [await governor.proposalVotes(plainId)];
  for (let i = 0; i < 3; i++) rows.push(await governor.criterionVotes(criteriaId, i));
  return rows.map(([against, forVotes, abstain]) => [against, forVotes, abstain]);
}

describe("Governor tallies (property-based)", function () {
  it("never exceed the supply at the snapshot, linear and quadratic modes agree on who voted, and the outcome the votes recorded equals the recomputed one", async function () {
    await fc.assert(
      fc.asyncProperty(
        fc.array(action, { maxLength: 8 }),
        fc.array(action, { maxLength: 8 }),
        fc.array(ballot, { minLength: ACTORS, maxLength: ACTORS }),
        async (before, after, ballots) => {
          const w = await loadFixture(twoTallies);
          for (const a of before) await apply(w, a);
          const plain = new ProposalHelper(w.governor, offsetsProposal(w, 1, null));
          const criteria = new ProposalHelper(w.governor, offsetsProposal(w, 2, ["real", "additional", "permanent"]));
          for (const g of [w.governor, w.quadratic]) {
            await new ProposalHelper(g, plain.proposal).propose(w.proposer);
            await new ProposalHelper(g, criteria.proposal).propose(w.proposer);
          }
          await new ProposalHelper(w.quadratic, criteria.proposal).waitForSnapshot();
          const snapshot = await w.governor.proposalSnapshot(plain.id);
          const criteriaSnapshot = await w.governor.proposalSnapshot(criteria.id);
          // Actions after the snapshot must not change any vote's weight.
          for (const a of after) await apply(w, a);
          const zeros = () => Array.from({ length: 4 }, () => [0n, 0n, 0n]);
          const expected = { linear: zeros(), quadratic: zeros() };
          for (const [i, b] of ballots.entries()) {
            if (b === undefined) continue;
            const voter = w.actors[i]!;
            for (const g of [w.governor, w.quadratic]) {
              await new ProposalHelper(g, plain.proposal).vote(voter, b.plain);
              await new ProposalHelper(g, criteria.proposal).vote(voter, b.criteria);
            }
            const weight = await w.token.getPastVotes(voter.address, snapshot);
            const criteriaWeight = await w.token.getPastVotes(voter.address, criteriaSnapshot);
            expected.linear[0]![b.plain] += weight;
            expected.quadratic[0]![b.plain] += sqrt(weight);
            b.criteria.forEach((s, c) => {
              expected.linear[c + 1]![s] += criteriaWeight;
              expected.quadratic[c + 1]![s] += sqrt(criteriaWeight);
            });
          }
          const supply = await w.token.getPastTotalSupply(snapshot);
          const criteriaSupply = await w.token.getPastTotalSupply(criteriaSnapshot);
          const linear = await tallies(w.governor, plain.id, criteria.id);
          const quadratic = await tallies(w.quadratic, plain.id, criteria.id);
          expect(linear).to.deep.equal(expected.linear);
          expect(quadratic).to.deep.equal(expected.quadratic);
          for (const [row, tally] of [...linear, ...quadratic].entries()) {
            const cap = row % 4 === 0 ? supply : criteriaSupply;
            expect(tally[0]! + tally[1]! + tally[2]!).to.be.at.most(cap);
          }
          expect(await w.governor.proposalQuorumVotes(plain.id)).to.be.at.most(supply);
          expect(await w.quadratic.proposalQuorumVotes(criteria.id)).to.be.at.most(criteriaSupply);
          for (const a of w.actors) {
            for (const id of [plain.id, criteria.id]) {
              expect(await w.quadratic.hasVoted(id, a.address)).to.equal(await w.governor.hasVoted(id, a.address));
            }
          }
          // After the (possibly extended) deadlines, state() must equal the outcome recomputed from the tallies.
          let end = 0n;
          for (const g of [w.governor, w.quadratic]) {
            for (const id of [plain.id, criteria.id]) {
              const d = await g.proposalDeadline(id);
              if (d > end) end = d;
            }
          }
          await time.increaseTo(end + 1n);
          for (const g of [w.governor, w.quadratic]) {
            expect(await g.state(plain.id)).to.equal(await recomputedState(g, plain.id, 0));
            expect(await g.state(criteria.id)).to.equal(await recomputedState(g, criteria.id, 3));
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});
