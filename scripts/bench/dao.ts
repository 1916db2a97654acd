import type { GasScenario } from "./scenario";
import { gasOf, text } from "./scenario";

const JAN_2024 = 1_704_067_200;
const DAY = 86_400n;

/**
 * Climate DAO operations named as in bench/gas-budgets.json. The measured voters are not the first on their
 * proposal; the first voter (26% of the supply) has already reached quorum, so the measured vote is an ordinary
 * later vote. (The first for vote also writes the proposal's outcome slot, and the vote that reaches quorum computes
 * quorum and records the late-quorum deadline: with a first voter below quorum, the first vote costs 120,085 gas
 * (plain) and 183,881 (criteria), the quorum-reaching one 86,566 and 109,129.) `dao.queue` queues the criteria
 * proposal; queueing the plain one costs 112,496.
 * Descriptions are 100 characters, claim URIs 20. The proposal measured carries the five default criteria.
 * `dao.execute.verdict` executes a plain proposal recording a verdict on a reduction claim whose company has
 * audited emissions, retired offsets and retired RECs in both years: the most the registry freezes (three slots
 * of figures, two ledger reads). A verdict on another kind freezes one year and costs less.
 */
export const daoScenarios: GasScenario[] = [
  async (hre) => {
    // Loaded here: they need the typechain types that gas.ts compiles first.
    const { wireDao } = await import("../governance/wiring");
    const { issueToProject, recordClaimVerdict, unwrap, CRITERIA_VOTE, encodeCriteriaVotes, Vote } = await import(
      "../governance/proposals"
    );
    const { time } = await import("@nomicfoundation/hardhat-network-helpers");
    const { ethers } = hre;
    const [deployer, alice, bob, carol, erin, company, project, registrar, auditor, recIssuer] = await ethers.getSigners();
    const members = [alice, bob, carol, erin];
    const ledger = await (await ethers.getContractFactory("CarbonLedger")).deploy(deployer.address, 0);
    await ledger.grantRole(await ledger.REGISTRAR_ROLE(), registrar.address);
    await ledger.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), auditor.address);
    await ledger.grantRole(await ledger.REC_ISSUER_ROLE(), recIssuer.address);
    const dao = await wireDao(deployer, {
      ledger: await ledger.getAddress(),
      token: {
        name: "Climate DAO",
        symbol: "CDAO",
        holders: members.map((m) => m.address),
        amounts: [400n, 300n, 260n, 40n].map((n) => n * 10n ** 18n),
        transferable: false,
      },
      governor: {
        votingDelay: DAY,
        votingPeriod: 7n * DAY,
        proposalThreshold: 10n ** 18n,
        quorumNumerator: 10n,
        lateQuorumExtension: 2n * DAY,
        quadratic: false,
      },
      timelockDelay: 2n * DAY,
    });
    const { governor, claims } = dao;
    const out: Record<string, number> = {};

    out["dao.delegate"] = await gasOf(dao.token.connect(alice).delegate(alice.address));
    for (const m of [bob, carol, erin]) await dao.token.connect(m).delegate(m.address);
    await time.increase(1);

    const issuance = (n: number, criteria?: readonly string[] | null) => {
      const p = unwrap(
        issueToProject({
          ledger: ledger.target as string,
          kind: "offset",
          project: project.address,
          projectName: "Bench forest",
          amount: 12_500_000n,
          fromDate: JAN_2024,
          thruDate: JAN_2024 + 365 * 86_400 - 1,
          evidenceHash: ethers.id(`bench project ${n}`),
          metadata: text(20),
          criteria,
        }),
      );
      return { ...p, description: text(100, String(n)) };
    };
    const withCriteria = issuance(1); // the default criteria
    const plain = issuance(2, null);
    const descHash = ethers.id(withCriteria.description);
    const g = governor.connect(alice);
    out["dao.propose"] = await gasOf(
      g.proposeWithCriteria(
        withCriteria.targets, withCriteria.values, withCriteria.calldatas, withCriteria.description,
        withCriteria.criteria ?? [],
      ),
    );
    await g.propose(plain.targets, plain.values, plain.calldatas, plain.description);
    const criteriaId = await governor.getProposalId(withCriteria.targets, withCriteria.values, withCriteria.calldatas, descHash);
    const plainId = await governor.getProposalId(plain.targets, plain.values, plain.calldatas, ethers.id(plain.description));

    await time.increaseTo(await governor.proposalSnapshot(criteriaId));
    const allFor = encodeCriteriaVotes([Vote.For, Vote.For, Vote.For, Vote.For, Vote.For]);
    await governor.connect(carol).castVoteWithReasonAndParams(criteriaId, CRITERIA_VOTE, "", allFor);
    out["dao.vote.criteria"] = await gasOf(
      governor.connect(bob).castVoteWithReasonAndParams(criteriaId, CRITERIA_VOTE, "", allFor),
    );
    await governor.connect(carol).castVote(plainId, Vote.For);
    out["dao.vote"] = await gasOf(governor.connect(bob).castVote(plainId, Vote.For));

    await time.increaseTo(await governor.proposalDeadline(criteriaId));
    out["dao.queue"] = await gasOf(governor.queue(withCriteria.targets, withCriteria.values, withCriteria.calldatas, descHash));
    await time.increaseTo(await governor.proposalEta(criteriaId));
    out["dao.execute"] = await gasOf(
      governor.execute(withCriteria.targets, withCriteria.values, withCriteria.calldatas, descHash),
    );

    await ledger.connect(registrar).setParticipant(company.address, true);
    const claim = (n: number) => ({
      year: 2024,
      kind: 2,
      value: 1_000_000_000n,
      baseYear: 0,
      evidenceHash: ethers.id(`bench claim ${n}`),
      uri: text(20),
    });
    await claims.connect(company).submitClaim(claim(0)); // the first claim ever pays the counter's first write
    out["claims.submit"] = await gasOf(claims.connect(company).submitClaim(claim(1)));

    // A reduction claim for 2024 against 2023, with every figure the verdict freezes non-zero.
    const YEAR_SECONDS = 365 * 86_400;
    const period = (year: 2023 | 2024) => (year === 2023 ? [JAN_2024 - YEAR_SECONDS, JAN_2024 - 1] : [JAN_2024, JAN_2024 + 366 * 86_400 - 1]);
    const retirement = (year: 2023 | 2024) => {
      const [fromDate, thruDate] = period(year);
      return { beneficiary: company.address, beneficiaryNameCommitment: ethers.id("salt:Company"), fromDate, thruDate, reason: text(20) };
    };
    for (const year of [2023, 2024] as const) {
      const [fromDate, thruDate] = period(year);
      const issue = (tokenType: number, amount: bigint, evidence: string) => ({
        tokenType, issuee: company.address, amount, fromDate, thruDate, evidenceHash: ethers.id(evidence), metadata: "{}",
      });
      await ledger.connect(auditor).issue(issue(3, year === 2023 ? 20_000_000n : 10_000_000n, `bench audit ${year}`));
      await ledger.connect(recIssuer).issue(issue(1, 5_000_000n, `bench recs ${year}`));
      await ledger.connect(company).retire(company.address, ethers.id(`bench recs ${year}`), 1_000_000n, retirement(year));
      // offsets issued to the project by the measured proposal, retired for the company
      await ledger.connect(project).retire(project.address, ethers.id("bench project 1"), 1_000_000n, retirement(year));
    }
    await claims.connect(company).submitClaim({ ...claim(2), kind: 3, value: 2_000n, baseYear: 2023 });
    const verdict = unwrap(
      recordClaimVerdict({ registry: claims.target as string, claimId: 3n, approved: true, reason: text(100) }),
    );
    const verdictHash = ethers.id(verdict.description);
    await g.propose(verdict.targets, verdict.values, verdict.calldatas, verdict.description);
    const verdictId = await governor.getProposalId(verdict.targets, verdict.values, verdict.calldatas, verdictHash);
    await time.increaseTo(await governor.proposalSnapshot(verdictId));
    await governor.connect(carol).castVote(verdictId, Vote.For);
    await time.increaseTo((await governor.proposalDeadline(verdictId)) + 1n);
    await governor.queue(verdict.targets, verdict.values, verdict.calldatas, verdictHash);
    await time.increaseTo(await governor.proposalEta(verdictId));
    out["dao.execute.verdict"] = await gasOf(
      governor.execute(verdict.targets, verdict.values, verdict.calldatas, verdictHash),
    );
    return out;
  },
];
