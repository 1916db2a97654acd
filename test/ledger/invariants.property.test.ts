/**
 * Model-based property test of the ledger: random sequences of issuance (direct, batch, attested), transfers,
 * retirements, revocations, approvals, mode and pause changes, from several accounts, run against the contract and a
 * tiny TypeScript model. After every step the whole ledger is read in one call (LedgerSnapshotMock) and compared with
 * the model, and the ledger's invariants are checked on what the chain reports.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import fc from "fast-check";
import { ZeroAddress, ZeroHash, keccak256, toUtf8Bytes } from "ethers";
import type { ContractTransactionResponse } from "ethers";
import type { LedgerSnapshotMock } from "../../typechain-types";
import { endOfDay, utc, utcYear } from "../helpers/dates";
import { revertedErrorName } from "../helpers/revert";
import { attest, deployLedger, MAX_AMOUNT, TokenType, type IssueRequest, type LedgerFixture } from "./fixtures";

// ------------------------------------------------------------------ the world the actions range over

/** Evidence pool: index 0 is the zero hash (invalid); the others are reused across actions on purpose. */
const EVIDENCE = [ZeroHash, ...Array.from({ length: 7 }, (_, i) => keccak256(toUtf8Bytes(`pool-${i}`)))];
const IDS = EVIDENCE.map((e) => BigInt(e));
/** Reporting periods: within a year, spanning two years both ways, an instant, and an invalid one (last). */
const PERIODS: [number, number][] = [
  [utc("2024-01-01"), endOfDay("2024-12-31")],
  [utc("2023-01-01"), endOfDay("2023-12-31")],
  [utc("2023-07-01"), endOfDay("2024-03-31")],
  [utc("2023-11-01"), endOfDay("2024-06-30")],
  [utc("2025-01-01"), utc("2025-01-01")],
  [utc("2024-06-30"), utc("2024-01-01")],
];
const YEARS = [2023, 2024, 2025];
const ACTORS = 5; // alice, bob, carol, acme, globex; index ACTORS stands for the zero address
const NUM_RUNS = 25;
const MIN_STEPS = 8;
const MAX_STEPS = 25;

type IssuerKind = "rec" | "offset" | "auditor" | "outsider";
interface Req {
  tokenType: number;
  issuee: number;
  amount: bigint;
  evidence: number;
  period: number;
}
type Action =
  | { kind: "issue"; rightRole: boolean; wrong: IssuerKind; req: Req }
  | { kind: "issueBatch"; caller: IssuerKind; reqs: Req[] }
  | {
      kind: "attested";
      variant: "valid" | "expired" | "reused" | "unsorted" | "nonAuditor" | "wrongType";
      signers: number;
      relayer: number;
      req: Req;
    }
  | { kind: "transfer"; aim: boolean; from: number; to: number; operator: number; evidence: number; amount: bigint }
  | { kind: "batchTransfer"; from: number; to: number; operator: number; items: { evidence: number; amount: bigint }[] }
  | {
      kind: "retire";
      aim: boolean;
      holder: number;
      caller: number;
      evidence: number;
      amount: bigint;
      beneficiary: number;
      period: number;
    }
  | { kind: "revoke"; aim: boolean; byRevoker: boolean; holder: number; evidence: number; amount: bigint }
  | { kind: "setLimitedMode"; byAdmin: boolean; value: boolean }
  | { kind: "setParticipant"; byRegistrar: boolean; account: number; registered: boolean }
  | { kind: "pause" | "unpause"; byPauser: boolean }
  | { kind: "approve"; holder: number; operator: number; approved: boolean }
  | { kind: "setThreshold"; value: number };

// ------------------------------------------------------------------ generators

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
const evidence = fc.integer({ min: 0, max: EVIDENCE.length - 1 });
const period = fc.integer({ min: 0, max: PERIODS.length - 1 });
const smallAmount = fc.oneof({ arbitrary: fc.bigInt({ min: 1n, max: 400n }), weight: 9 }, { arbitrary: fc.constant(0n), weight: 1 });
const issueAmount = fc.oneof(
  { arbitrary: fc.bigInt({ min: 1n, max: 1_000n }), weight: 12 },
  { arbitrary: fc.constant(0n), weight: 1 },
  { arbitrary: fc.constant(MAX_AMOUNT + 1n), weight: 1 },
);
const tokenType = fc.oneof(
  { arbitrary: fc.constantFrom(TokenType.REC, TokenType.Offset, TokenType.Emissions), weight: 12 },
  { arbitrary: fc.constantFrom(0, 4), weight: 1 },
);
const req: fc.Arbitrary<Req> = fc.record({
  tokenType,
  issuee: fc.oneof({ arbitrary: actor, weight: 15 }, { arbitrary: fc.constant(ACTORS), weight: 1 }),
  amount: issueAmount,
  evidence,
  period: fc.oneof({ arbitrary: fc.integer({ min: 0, max: PERIODS.length - 2 }), weight: 12 }, { arbitrary: fc.constant(PERIODS.length - 1), weight: 1 }),
});
const issuerKind = fc.constantFrom<IssuerKind>("rec", "offset", "auditor", "outsider");
/** True about four times in five: the caller usually holds the role, sometimes not. */
const mostly = fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, { arbitrary: fc.constant(false), weight: 1 });

const action: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant("issue" as const), rightRole: mostly, wrong: issuerKind, req }), weight: 6 },
  { arbitrary: fc.record({ kind: fc.constant("issueBatch" as const), caller: issuerKind, reqs: fc.array(req, { maxLength: 3 }) }), weight: 2 },
  {
    arbitrary: fc.record({
      kind: fc.constant("attested" as const),
      variant: fc.constantFrom("valid", "valid", "valid", "expired", "reused", "unsorted", "nonAuditor", "wrongType") as fc.Arbitrary<
        "valid" | "expired" | "reused" | "unsorted" | "nonAuditor" | "wrongType"
      >,
      signers: fc.integer({ min: 1, max: 3 }),
      relayer: actor,
      req,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("transfer" as const), aim: mostly, from: actor, to: actor, operator: actor, evidence, amount: smallAmount }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant("batchTransfer" as const),
      from: actor,
      to: actor,
      operator: actor,
      items: fc.array(fc.record({ evidence, amount: smallAmount }), { minLength: 1, maxLength: 3 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("retire" as const),
      aim: mostly,
      holder: actor,
      caller: actor,
      evidence,
      amount: smallAmount,
      beneficiary: fc.oneof({ arbitrary: actor, weight: 15 }, { arbitrary: fc.constant(ACTORS), weight: 1 }),
      period,
    }),
    weight: 5,
  },
  { arbitrary: fc.record({ kind: fc.constant("revoke" as const), aim: mostly, byRevoker: mostly, holder: actor, evidence, amount: smallAmount }), weight: 3 },
  { arbitrary: fc.record({ kind: fc.constant("setLimitedMode" as const), byAdmin: mostly, value: fc.boolean() }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("setParticipant" as const), byRegistrar: mostly, account: actor, registered: fc.boolean() }), weight: 3 },
  // Unpausing is likelier than pausing, so that sequences are not mostly spent paused.
  { arbitrary: fc.record({ kind: fc.constant("pause" as const), byPauser: mostly }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant("unpause" as const), byPauser: mostly }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("approve" as const), holder: actor, operator: actor, approved: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant("setThreshold" as const), value: fc.integer({ min: 0, max: 3 }) }), weight: 1 },
);

// ------------------------------------------------------------------ the model

interface TokenModel {
  type: number;
  issuee: string;
  year: number;
  issued: bigint;
  retired: bigint;
  revoked: bigint;
}
interface YearModel {
  emissions: bigint;
  offsetsRetired: bigint;
  recsRetired: bigint;
}

class Model {
  tokens = new Map<bigint, TokenModel>();
  balances = new Map<string, bigint>(); // `${account}/${id}`
  retiredBy = new Map<string, bigint>();
  years = new Map<string, YearModel>(); // `${account}/${year}`
  participants = new Set<string>();
  approvals = new Set<string>(); // `${holder}/${operator}`
  limited = false;
  paused = false;
  threshold = 1;

  balance(account: string, id: bigint): bigint {
    return this.balances.get(`${account}/${id}`) ?? 0n;
  }
  addBalance(account: string, id: bigint, delta: bigint): void {
    this.balances.set(`${account}/${id}`, this.balance(account, id) + delta);
  }
  year(account: string, year: number): YearModel {
    const key = `${account}/${year}`;
    const y = this.years.get(key) ?? { emissions: 0n, offsetsRetired: 0n, recsRetired: 0n };
    this.years.set(key, y);
    return y;
  }
  approved(holder: string, operator: string): boolean {
    return holder === operator || this.approvals.has(`${holder}/${operator}`);
  }
}

const attributed = (p: [number, number]): number => utcYear(p[0] + Math.floor((p[1] - p[0]) / 2));

/**
 * Most actions on existing tokens aim at something that exists: `evidence` then picks among the issued ids and
 * `holder` among the accounts holding it. Unaimed actions keep their raw pool index and account.
 */
function aimAt(m: Model, w: World, aim: boolean, evidence: number, holder: number): { evidence: number; holder: number } {
  const issuedIds = [...m.tokens.keys()];
  if (!aim || issuedIds.length === 0) return { evidence, holder };
  const id = issuedIds[evidence % issuedIds.length] as bigint;
  const holders = w.actors.map((_, i) => i).filter((i) => m.balance(address(w, i), id) > 0n);
  return { evidence: IDS.indexOf(id), holder: holders.length === 0 ? holder : (holders[holder % holders.length] as number) };
}

/**
 * Resolves aiming: an aimed transfer, retirement or revocation targets an issued id and one of its holders, and is
 * sent by the holder unless the holder approved the chosen operator.
 */
function resolveAim(m: Model, w: World, a: Action): Action {
  switch (a.kind) {
    case "transfer": {
      const { evidence, holder } = aimAt(m, w, a.aim, a.evidence, a.from);
      const keep = !a.aim || m.approved(address(w, holder), address(w, a.operator));
      return { ...a, evidence, from: holder, operator: keep ? a.operator : holder };
    }
    case "retire": {
      const { evidence, holder } = aimAt(m, w, a.aim, a.evidence, a.holder);
      const keep = !a.aim || m.approved(address(w, holder), address(w, a.caller));
      return { ...a, evidence, holder, caller: keep ? a.caller : holder };
    }
    case "revoke": {
      const { evidence, holder } = aimAt(m, w, a.aim, a.evidence, a.holder);
      return { ...a, evidence, holder };
    }
    default:
      return a;
  }
}

/** Everything an action needs from the fixture, by index. */
interface World {
  f: LedgerFixture;
  lens: LedgerSnapshotMock;
  actors: HardhatEthersSigner[];
}

const address = (w: World, i: number): string => (i === ACTORS ? ZeroAddress : (w.actors[i] as HardhatEthersSigner).address);

function issuerSigner(w: World, kind: IssuerKind): HardhatEthersSigner {
  return { rec: w.f.recIssuer, offset: w.f.offsetIssuer, auditor: w.f.auditor, outsider: w.f.outsider }[kind];
}
function rightIssuer(tokenTypeCode: number): IssuerKind {
  return tokenTypeCode === TokenType.Offset ? "offset" : tokenTypeCode === TokenType.Emissions ? "auditor" : "rec";
}
function holdsIssuerRole(kind: IssuerKind, tokenTypeCode: number): boolean {
  return tokenTypeCode >= 1 && tokenTypeCode <= 3 && kind === rightIssuer(tokenTypeCode);
}

const toRequest = (w: World, r: Req): IssueRequest => ({
  tokenType: r.tokenType,
  issuee: address(w, r.issuee),
  amount: r.amount,
  fromDate: (PERIODS[r.period] as [number, number])[0],
  thruDate: (PERIODS[r.period] as [number, number])[1],
  evidenceHash: EVIDENCE[r.evidence] as string,
  metadata: "{}",
});

/**
 * The rules an issuance request breaks, given the model (and evidence already spent earlier in the same batch).
 * An empty list means it must succeed.
 */
function requestFaults(m: Model, w: World, r: Req, spent: Set<bigint>, path: { caller: IssuerKind } | "attested"): string[] {
  const faults: string[] = [];
  const validType = r.tokenType >= 1 && r.tokenType <= 3;
  if (path === "attested") {
    if (r.tokenType !== TokenType.Emissions) faults.push("LedgerInvalidTokenType");
  } else {
    if (!validType) faults.push("LedgerInvalidTokenType");
    else if (!holdsIssuerRole(path.caller, r.tokenType)) faults.push("AccessControlUnauthorizedAccount");
  }
  if (r.issuee === ACTORS) faults.push("LedgerZeroAddress");
  if (r.amount === 0n) faults.push("LedgerZeroAmount");
  if (r.amount > MAX_AMOUNT) faults.push("LedgerAmountTooLarge");
  if (r.period === PERIODS.length - 1) faults.push("LedgerInvalidPeriod");
  const id = IDS[r.evidence] as bigint;
  if (id === 0n) faults.push("LedgerZeroEvidence");
  else if (m.tokens.has(id) || spent.has(id)) faults.push("LedgerEvidenceUsed");
  if (m.paused) faults.push("EnforcedPause");
  if (m.limited && (r.tokenType === TokenType.REC || r.tokenType === TokenType.Offset) && r.issuee !== ACTORS) {
    if (!m.participants.has(address(w, r.issuee))) faults.push("LedgerUnregisteredParticipant");
  }
  return faults;
}

function applyIssue(m: Model, w: World, r: Req): void {
  const id = IDS[r.evidence] as bigint;
  const issuee = address(w, r.issuee);
  const year = attributed(PERIODS[r.period] as [number, number]);
  m.tokens.set(id, { type: r.tokenType, issuee, year, issued: r.amount, retired: 0n, revoked: 0n });
  m.addBalance(issuee, id, r.amount);
  if (r.tokenType === TokenType.Emissions) m.year(issuee, year).emissions += r.amount;
}

/** Faults of moving `items` from `from` to `to` by `operator`; applies them to `scratch` balances as it goes. */
function transferFaults(m: Model, from: string, to: string, operator: string, items: { id: bigint; amount: bigint }[]): string[] {
  const faults: string[] = [];
  if (!m.approved(from, operator)) faults.push("ERC1155MissingApprovalForAll");
  if (m.paused) faults.push("EnforcedPause");
  if (m.limited && (!m.participants.has(from) || !m.participants.has(to))) faults.push("LedgerUnregisteredParticipant");
  const scratch = new Map<string, bigint>();
  const bal = (a: string, id: bigint) => scratch.get(`${a}/${id}`) ?? m.balance(a, id);
  for (const { id, amount } of items) {
    if (m.tokens.get(id)?.type === TokenType.Emissions) {
      faults.push("LedgerEmissionsNonTransferable");
      continue;
    }
    if (bal(from, id) < amount) {
      faults.push("ERC1155InsufficientBalance");
      continue;
    }
    scratch.set(`${from}/${id}`, bal(from, id) - amount);
    scratch.set(`${to}/${id}`, bal(to, id) + amount);
  }
  return faults;
}

/** Decides what `a` must do (faults; empty = success), performs it on chain, and applies it to the model if due. */
interface Step {
  faults: string[];
  send: () => Promise<ContractTransactionResponse>;
  apply: () => void;
}

async function step(m: Model, w: World, raw: Action): Promise<Step & { action: Action }> {
  const a = resolveAim(m, w, raw);
  return { action: a, ...(await planned(m, w, a)) };
}

async function planned(m: Model, w: World, a: Action): Promise<Step> {
  const { f } = w;
  switch (a.kind) {
    case "issue": {
      const caller: IssuerKind = a.rightRole ? rightIssuer(a.req.tokenType) : a.wrong;
      const faults = requestFaults(m, w, a.req, new Set(), { caller });
      const signer = issuerSigner(w, caller);
      return {
        faults,
        send: () => f.ledger.connect(signer).issue(toRequest(w, a.req)),
        apply: () => applyIssue(m, w, a.req),
      };
    }
    case "issueBatch": {
      const faults: string[] = a.reqs.length === 0 ? ["LedgerEmptyBatch"] : [];
      const spent = new Set<bigint>();
      for (const r of a.reqs) {
        faults.push(...requestFaults(m, w, r, spent, { caller: a.caller }));
        spent.add(IDS[r.evidence] as bigint);
      }
      const signer = issuerSigner(w, a.caller);
      return {
        faults,
        send: () => f.ledger.connect(signer).issueBatch(a.reqs.map((r) => toRequest(w, r))),
        apply: () => a.reqs.forEach((r) => applyIssue(m, w, r)),
      };
    }
    case "attested": {
      let r: Req = { ...a.req, tokenType: TokenType.Emissions };
      if (a.variant === "wrongType") r = { ...r, tokenType: a.req.tokenType === TokenType.Offset ? TokenType.Offset : TokenType.REC };
      if (a.variant === "reused" && m.tokens.size > 0) {
        const used = [...m.tokens.keys()];
        r = { ...r, evidence: IDS.indexOf(used[a.signers % used.length] as bigint) };
      }
      let signers = f.auditors.slice(0, a.signers);
      if (a.variant === "unsorted") signers = f.auditors.slice(0, 2);
      if (a.variant === "nonAuditor") signers = [f.outsider];
      const faults = requestFaults(m, w, r, new Set(), "attested");
      if (signers.length < m.threshold) faults.push("LedgerAttestationInsufficientSignatures");
      if (a.variant === "unsorted") faults.push("LedgerAttestationSignersNotAscending");
      if (a.variant === "nonAuditor") faults.push("LedgerAttestationSignerNotAuditor");
      if (a.variant === "expired") faults.push("LedgerAttestationExpired");
      const now = BigInt(await time.latest());
      const signed = await attest(f, toRequest(w, r), signers, a.variant === "expired" ? now : now + 3_600n);
      if (a.variant === "unsorted") signed.signatures.reverse();
      return {
        faults,
        send: () => f.ledger.connect(w.actors[a.relayer] as HardhatEthersSigner).issueAttested(signed),
        apply: () => applyIssue(m, w, r),
      };
    }
    case "transfer":
    case "batchTransfer": {
      const from = address(w, a.from);
      const to = address(w, a.to);
      const operator = address(w, a.operator);
      const items =
        a.kind === "transfer"
          ? [{ id: IDS[a.evidence] as bigint, amount: a.amount }]
          : a.items.map((i) => ({ id: IDS[i.evidence] as bigint, amount: i.amount }));
      const faults = transferFaults(m, from, to, operator, items);
      const ledger = f.ledger.connect(w.actors[a.operator] as HardhatEthersSigner);
      return {
        faults,
        send: () =>
          a.kind === "transfer"
            ? ledger.safeTransferFrom(from, to, (items[0] as { id: bigint }).id, a.amount, "0x")
            : ledger.safeBatchTransferFrom(from, to, items.map((i) => i.id), items.map((i) => i.amount), "0x"),
        apply: () => {
          for (const { id, amount } of items) {
            m.addBalance(from, id, -amount);
            m.addBalance(to, id, amount);
          }
        },
      };
    }
    case "retire": {
      const holder = address(w, a.holder);
      const caller = address(w, a.caller);
      const beneficiary = address(w, a.beneficiary);
      const id = IDS[a.evidence] as bigint;
      const token = m.tokens.get(id);
      const p = PERIODS[a.period] as [number, number];
      const faults: string[] = [];
      if (!m.approved(holder, caller)) faults.push("ERC1155MissingApprovalForAll");
      if (a.beneficiary === ACTORS) faults.push("LedgerZeroAddress");
      if (a.period === PERIODS.length - 1) faults.push("LedgerInvalidPeriod");
      if (token === undefined) faults.push("LedgerUnknownToken");
      else if (token.type === TokenType.Emissions) faults.push("LedgerNotRetirable");
      if (a.amount === 0n) faults.push("LedgerZeroAmount");
      if (m.balance(holder, id) < a.amount) faults.push("LedgerInsufficientAvailable");
      if (m.paused) faults.push("EnforcedPause");
      const claim = { beneficiary, beneficiaryNameCommitment: ZeroHash, fromDate: p[0], thruDate: p[1], reason: "prop" };
      return {
        faults,
        send: () => f.ledger.connect(w.actors[a.caller] as HardhatEthersSigner).retire(holder, id, a.amount, claim),
        apply: () => {
          const t = token as TokenModel;
          m.addBalance(holder, id, -a.amount);
          t.retired += a.amount;
          m.retiredBy.set(`${holder}/${id}`, (m.retiredBy.get(`${holder}/${id}`) ?? 0n) + a.amount);
          const y = m.year(beneficiary, attributed(p));
          if (t.type === TokenType.Offset) y.offsetsRetired += a.amount;
          else y.recsRetired += a.amount;
        },
      };
    }
    case "revoke": {
      const holder = address(w, a.holder);
      const id = IDS[a.evidence] as bigint;
      const token = m.tokens.get(id);
      const faults: string[] = [];
      if (!a.byRevoker) faults.push("AccessControlUnauthorizedAccount");
      if (token === undefined) faults.push("LedgerUnknownToken");
      if (a.amount === 0n) faults.push("LedgerZeroAmount");
      if (m.balance(holder, id) < a.amount) faults.push("LedgerInsufficientAvailable");
      return {
        faults,
        send: () => f.ledger.connect(a.byRevoker ? f.revoker : f.outsider).revoke(holder, id, a.amount, "prop"),
        apply: () => {
          const t = token as TokenModel;
          m.addBalance(holder, id, -a.amount);
          t.revoked += a.amount;
          if (t.type === TokenType.Emissions) m.year(holder, t.year).emissions -= a.amount;
        },
      };
    }
    case "setLimitedMode":
      return {
        faults: a.byAdmin ? [] : ["AccessControlUnauthorizedAccount"],
        send: () => f.ledger.connect(a.byAdmin ? f.admin : f.registrar).setLimitedMode(a.value),
        apply: () => {
          m.limited = a.value;
        },
      };
    case "setParticipant": {
      const account = address(w, a.account);
      return {
        faults: a.byRegistrar ? [] : ["AccessControlUnauthorizedAccount"],
        send: () => f.ledger.connect(a.byRegistrar ? f.registrar : f.admin).setParticipant(account, a.registered),
        apply: () => {
          if (a.registered) m.participants.add(account);
          else m.participants.delete(account);
        },
      };
    }
    case "pause":
    case "unpause": {
      const faults: string[] = a.byPauser ? [] : ["AccessControlUnauthorizedAccount"];
      if (a.kind === "pause" && m.paused) faults.push("EnforcedPause");
      if (a.kind === "unpause" && !m.paused) faults.push("ExpectedPause");
      const ledger = f.ledger.connect(a.byPauser ? f.pauser : f.revoker);
      return {
        faults,
        send: () => (a.kind === "pause" ? ledger.pause() : ledger.unpause()),
        apply: () => {
          m.paused = a.kind === "pause";
        },
      };
    }
    case "approve": {
      const holder = address(w, a.holder);
      const operator = address(w, a.operator);
      return {
        faults: [],
        send: () => f.ledger.connect(w.actors[a.holder] as HardhatEthersSigner).setApprovalForAll(operator, a.approved),
        apply: () => {
          if (a.approved) m.approvals.add(`${holder}/${operator}`);
          else m.approvals.delete(`${holder}/${operator}`);
        },
      };
    }
    case "setThreshold":
      return {
        faults: a.value === 0 ? ["LedgerInvalidThreshold"] : [],
        send: () => f.ledger.connect(f.admin).setAttestationThreshold(a.value),
        apply: () => {
          m.threshold = a.value;
        },
      };
  }
}

// ------------------------------------------------------------------ reading and comparing

type Snapshot = Awaited<ReturnType<typeof readChain>>;

async function readChain(w: World) {
  const accounts = w.actors.map((a) => a.address);
  const s = await w.lens.snapshot(await w.f.ledger.getAddress(), IDS, accounts, YEARS);
  return {
    supplies: s.supplies.map((x) => ({ issued: x.issued, retired: x.retired, revoked: x.revoked, available: x.available, exists: x.exists })),
    balances: [...s.balances],
    retiredBy: [...s.retiredBy],
    totals: s.totals.map((t) => ({ emissions: t.emissions, offsetsRetired: t.offsetsRetired, recsRetired: t.recsRetired, netPosition: t.netPosition })),
    netPositions: [...s.netPositions],
    participants: [...s.participants],
    limitedMode: s.limitedMode,
    attestationThreshold: Number(s.attestationThreshold),
    paused: s.paused,
  };
}

function expected(m: Model, w: World): Snapshot {
  const accounts = w.actors.map((a) => a.address);
  const totals = accounts.flatMap((a) =>
    YEARS.map((y) => {
      const t = m.years.get(`${a}/${y}`) ?? { emissions: 0n, offsetsRetired: 0n, recsRetired: 0n };
      return { ...t, netPosition: t.emissions - t.offsetsRetired };
    }),
  );
  return {
    supplies: IDS.map((id) => {
      const t = m.tokens.get(id);
      return t === undefined
        ? { issued: 0n, retired: 0n, revoked: 0n, available: 0n, exists: false }
        : { issued: t.issued, retired: t.retired, revoked: t.revoked, available: t.issued - t.retired - t.revoked, exists: true };
    }),
    balances: accounts.flatMap((a) => IDS.map((id) => m.balance(a, id))),
    retiredBy: accounts.flatMap((a) => IDS.map((id) => m.retiredBy.get(`${a}/${id}`) ?? 0n)),
    totals,
    netPositions: totals.map((t) => t.netPosition),
    participants: accounts.map((a) => m.participants.has(a)),
    limitedMode: m.limited,
    attestationThreshold: m.threshold,
    paused: m.paused,
  };
}

/** The ledger's invariants, checked on what the chain reports (independently of the model). */
function checkInvariants(w: World, m: Model, now: Snapshot, before: Snapshot): void {
  const accounts = w.actors.map((a) => a.address);
  IDS.forEach((id, i) => {
    const s = now.supplies[i] as Snapshot["supplies"][number];
    const prev = before.supplies[i] as Snapshot["supplies"][number];
    const balances = accounts.map((_, a) => now.balances[a * IDS.length + i] as bigint);
    expect(s.issued, `issued == available + retired + revoked for id #${i}`).to.equal(s.available + s.retired + s.revoked);
    expect(balances.reduce((x, y) => x + y, 0n), `available == sum of balances for id #${i}`).to.equal(s.available);
    expect(s.retired >= prev.retired, `retired never decreases for id #${i}`).to.equal(true);
    expect(s.exists, `an id exists iff its evidence was used, id #${i}`).to.equal(m.tokens.has(id));
    const token = m.tokens.get(id);
    if (token?.type === TokenType.Emissions) {
      accounts.forEach((a, k) => {
        const now_ = now.balances[k * IDS.length + i] as bigint;
        const prev_ = before.balances[k * IDS.length + i] as bigint;
        if (a !== token.issuee) expect(now_, "emissions are only ever with their emitter").to.equal(0n);
        // Emissions only shrink, by revocation (a new issuance of the id is impossible once it exists).
        if (prev.exists) expect(now_ <= prev_, "emissions never grow after issuance").to.equal(true);
        if (a === token.issuee) expect(now_).to.equal(s.issued - s.revoked);
      });
    }
  });
  now.totals.forEach((t, k) => {
    expect(t.netPosition, "net position == emissions - offsets retired").to.equal(t.emissions - t.offsetsRetired);
    expect(now.netPositions[k]).to.equal(t.netPosition);
  });
}

// ------------------------------------------------------------------ the property

async function deployLedgerWithLens() {
  const f = await deployLedger();
  const lens = await ethers.deployContract("LedgerSnapshotMock");
  return { f, lens, actors: [f.alice, f.bob, f.carol, f.acme, f.globex] };
}

const describeAction = (a: Action): string => JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

// Tagged @slow so that `hardhat coverage` (see .solcover.js) skips it: instrumented, each step's full-ledger snapshot
// takes seconds. It runs in every `npm test`, in about 20 s; the unit tests alone cover the contract.
describe("ledger invariants (model-based property) @slow", function () {
  it("hold after every step of random sequences of ledger operations from several accounts", async function () {
    this.timeout(600_000); // bounded by NUM_RUNS x MAX_STEPS; generous for a loaded machine
    const tally = { steps: 0, succeeded: 0, failed: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (actions) => {
        const w: World = await loadFixture(deployLedgerWithLens);
        const m = new Model();
        let before = await readChain(w);
        expect(before).to.deep.equal(expected(m, w));
        for (const raw of actions) {
          const { action: a, faults, send, apply } = await step(m, w, raw);
          let error: string | undefined;
          try {
            await (await send()).wait();
          } catch (e) {
            error = revertedErrorName(w.f.ledger.interface, e);
          }
          tally.steps += 1;
          if (faults.length === 0) {
            expect(error, `must succeed: ${describeAction(a)}`).to.equal(undefined);
            apply();
            tally.succeeded += 1;
          } else {
            expect(error, `must fail with one of ${faults.join(", ")}: ${describeAction(a)}`).to.be.oneOf(faults);
            tally.failed += 1;
          }
          const now = await readChain(w);
          if (error !== undefined) expect(now, `a failing call changed state: ${describeAction(a)}`).to.deep.equal(before);
          expect(now, `chain differs from model after ${describeAction(a)}`).to.deep.equal(expected(m, w));
          checkInvariants(w, m, now, before);
          before = now;
        }
      }),
      // Shrinking replays whole sequences hundreds of times (minutes here); the failing step is already named in the
      // message. Set LEDGER_PROPERTY_SHRINK=1 to shrink a counterexample anyway.
      { numRuns: NUM_RUNS, endOnFailure: process.env.LEDGER_PROPERTY_SHRINK === undefined },
    );
    // Guard against a vacuous run: both outcomes must have been exercised.
    expect(tally.succeeded).to.be.greaterThan(tally.steps / 8);
    expect(tally.failed).to.be.greaterThan(tally.steps / 10);
  });
});
