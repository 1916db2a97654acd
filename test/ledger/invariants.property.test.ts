/**
 * Model-based property test of the ledger: random sequences of issuance (direct, batch, attested; with record keys),
 * transfers, retirements (claimed periods past, future, too far from the vintage), voided retirements, revocations,
 * approvals, mode, pause, threshold and claim-gap changes, from several accounts, run against the contract and a tiny
 * TypeScript model. After every step the whole ledger is read in one call (LedgerSnapshotMock) plus the record
 * bindings and the voidable retirements, compared with the model, and the ledger's invariants are checked on what the
 * chain reports: conservation (issued == available + retired + revoked), a record backs at most one token, a void
 * moves retired into revoked and lowers the beneficiary's totals.
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
import { tokenIdOf } from "../../scripts/ledger/token-id";
import { attest, deployLedger, MAX_AMOUNT, TokenType, type IssueRequest, type LedgerFixture } from "./fixtures";

// ------------------------------------------------------------------ the world the actions range over

/** Evidence pool: index 0 is the zero hash (invalid); the others are reused across actions on purpose. */
const EVIDENCE = [ZeroHash, ...Array.from({ length: 7 }, (_, i) => keccak256(toUtf8Bytes(`pool-${i}`)))];
/** Record-key pool: index 0 is the zero key (invalid); the others are reused across issuances on purpose. */
const RECORDS = [ZeroHash, ...Array.from({ length: 8 }, (_, i) => keccak256(toUtf8Bytes(`record-${i}`)))];
/**
 * Every id an issuance can create: per evidence hash, a REC in the REC issuer's scope, an offset in the offset
 * issuer's scope, and audited emissions in each actor's scope (see `idSlots`).
 */
const SLOTS_PER_EVIDENCE = 7;
const NUM_IDS = EVIDENCE.length * SLOTS_PER_EVIDENCE;
/** Reporting periods: within a year, spanning two years both ways, an instant, and an invalid one (last). */
const PERIODS: [number, number][] = [
  [utc("2024-01-01"), endOfDay("2024-12-31")],
  [utc("2023-01-01"), endOfDay("2023-12-31")],
  [utc("2023-07-01"), endOfDay("2024-03-31")],
  [utc("2023-11-01"), endOfDay("2024-06-30")],
  [utc("2025-01-01"), utc("2025-01-01")],
  [utc("2024-06-30"), utc("2024-01-01")],
];
/** Claimed periods of retirements: the valid reporting periods, one not yet ended, one in 1990, an invalid one (last). */
const CLAIM_PERIODS: [number, number][] = [
  ...PERIODS.slice(0, -1),
  [utc("2024-01-01"), endOfDay("2099-12-31")],
  [utc("1990-01-01"), endOfDay("1990-12-31")],
  [utc("2024-06-30"), utc("2024-01-01")],
];
const YEARS = [2023, 2024, 2025];
const ACTORS = 5; // alice, bob, carol, acme, globex; index ACTORS stands for the zero address
const NUM_RUNS = 15;
const MIN_STEPS = 8;
const MAX_STEPS = 25;

type IssuerKind = "rec" | "offset" | "auditor" | "outsider";
interface Req {
  tokenType: number;
  issuee: number;
  amount: bigint;
  evidence: number;
  period: number;
  records: number[];
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
  | { kind: "transfer"; aim: boolean; from: number; to: number; operator: number; token: number; amount: bigint }
  | { kind: "batchTransfer"; from: number; to: number; operator: number; items: { token: number; amount: bigint }[] }
  | {
      kind: "retire";
      aim: boolean;
      holder: number;
      caller: number;
      token: number;
      amount: bigint;
      beneficiary: number;
      period: number;
    }
  | { kind: "revoke"; aim: boolean; byRevoker: boolean; holder: number; token: number; amount: bigint }
  | {
      kind: "void";
      aim: boolean;
      byRevoker: boolean;
      holder: number;
      token: number;
      beneficiary: number;
      year: number;
      amount: bigint;
    }
  | { kind: "setClaimYearGap"; byAdmin: boolean; value: number }
  | { kind: "setLimitedMode"; byAdmin: boolean; value: boolean }
  | { kind: "setParticipant"; byRegistrar: boolean; account: number; registered: boolean }
  | { kind: "pause" | "unpause"; byPauser: boolean }
  | { kind: "approve"; holder: number; operator: number; approved: boolean }
  | { kind: "setThreshold"; value: number };

// ------------------------------------------------------------------ generators

const actor = fc.integer({ min: 0, max: ACTORS - 1 });
const evidence = fc.integer({ min: 0, max: EVIDENCE.length - 1 });
const token = fc.integer({ min: 0, max: NUM_IDS - 1 });
const claimPeriod = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: PERIODS.length - 2 }), weight: 10 },
  { arbitrary: fc.integer({ min: PERIODS.length - 1, max: CLAIM_PERIODS.length - 1 }), weight: 3 },
);
const recordIndex = fc.oneof({ arbitrary: fc.integer({ min: 1, max: RECORDS.length - 1 }), weight: 30 }, { arbitrary: fc.constant(0), weight: 1 });
const records = fc.oneof(
  { arbitrary: fc.array(recordIndex, { minLength: 1, maxLength: 3 }), weight: 10 },
  { arbitrary: fc.constant([] as number[]), weight: 1 },
);
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
  records,
}).map((r) =>
  // Records are optional for RECs and offsets: about one in three names some.
  r.tokenType === TokenType.Emissions || r.amount % 3n === 0n ? r : { ...r, records: [] },
);
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
  { arbitrary: fc.record({ kind: fc.constant("transfer" as const), aim: mostly, from: actor, to: actor, operator: actor, token, amount: smallAmount }), weight: 6 },
  {
    arbitrary: fc.record({
      kind: fc.constant("batchTransfer" as const),
      from: actor,
      to: actor,
      operator: actor,
      items: fc.array(fc.record({ token, amount: smallAmount }), { minLength: 1, maxLength: 3 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant("retire" as const),
      aim: mostly,
      holder: actor,
      caller: actor,
      token,
      amount: smallAmount,
      beneficiary: fc.oneof({ arbitrary: actor, weight: 15 }, { arbitrary: fc.constant(ACTORS), weight: 1 }),
      period: claimPeriod,
    }),
    weight: 8,
  },
  { arbitrary: fc.record({ kind: fc.constant("revoke" as const), aim: mostly, byRevoker: mostly, holder: actor, token, amount: smallAmount }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constant("void" as const),
      aim: mostly,
      byRevoker: mostly,
      holder: actor,
      token,
      beneficiary: actor,
      year: fc.constantFrom(...YEARS),
      amount: smallAmount,
    }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant("setClaimYearGap" as const), byAdmin: mostly, value: fc.integer({ min: 0, max: 6 }) }), weight: 1 },
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
  evidence: number;
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
  /** `${type}/${scope}/${record index}` => the id it backs: a record backs at most one token. */
  records = new Map<string, bigint>();
  /** `${id}/${holder}/${beneficiary}/${year}` => retired and not voided. */
  retiredFor = new Map<string, bigint>();
  gap = 5;
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

/** The ids every issuance can create, `SLOTS_PER_EVIDENCE` per evidence hash (REC, offset, emissions per actor). */
function idSlots(f: LedgerFixture, actors: HardhatEthersSigner[]): bigint[] {
  return EVIDENCE.flatMap((e) => [
    tokenIdOf(TokenType.REC, f.recIssuer.address, e),
    tokenIdOf(TokenType.Offset, f.offsetIssuer.address, e),
    ...actors.map((a) => tokenIdOf(TokenType.Emissions, a.address, e)),
  ]);
}

/**
 * Most actions on existing tokens aim at something that exists: `token` then picks among the issued ids and
 * `holder` among the accounts holding it. Unaimed actions keep their raw id slot and account.
 */
function aimAt(
  m: Model,
  w: World,
  aim: boolean,
  token: number,
  holder: number,
  retirable = false,
): { token: number; holder: number } {
  const all = [...m.tokens.keys()];
  const movable = all.filter((id) => m.tokens.get(id)?.type !== TokenType.Emissions);
  // A retirement aims at a REC or offset when there is one (emissions are refused anyway, as unaimed ones show).
  const issuedIds = retirable && movable.length > 0 ? movable : all;
  if (!aim || issuedIds.length === 0) return { token, holder };
  const id = issuedIds[token % issuedIds.length] as bigint;
  const holders = w.actors.map((_, i) => i).filter((i) => m.balance(address(w, i), id) > 0n);
  return { token: w.ids.indexOf(id), holder: holders.length === 0 ? holder : (holders[holder % holders.length] as number) };
}

/**
 * Resolves aiming: an aimed transfer, retirement or revocation targets an issued id and one of its holders, and is
 * sent by the holder unless the holder approved the chosen operator; an aimed void targets a retirement not yet
 * wholly voided, for at most what is left of it.
 */
function resolveAim(m: Model, w: World, a: Action): Action {
  switch (a.kind) {
    case "transfer": {
      const { token, holder } = aimAt(m, w, a.aim, a.token, a.from);
      const keep = !a.aim || m.approved(address(w, holder), address(w, a.operator));
      return { ...a, token, from: holder, operator: keep ? a.operator : holder };
    }
    case "retire": {
      const { token, holder } = aimAt(m, w, a.aim, a.token, a.holder, true);
      const keep = !a.aim || m.approved(address(w, holder), address(w, a.caller));
      return { ...a, token, holder, caller: keep ? a.caller : holder };
    }
    case "revoke": {
      const { token, holder } = aimAt(m, w, a.aim, a.token, a.holder);
      return { ...a, token, holder };
    }
    case "void": {
      const open = [...m.retiredFor.entries()].filter(([, v]) => v > 0n);
      if (!a.aim || open.length === 0) return a;
      const [key, left] = open[a.token % open.length] as [string, bigint];
      const [id, holder, beneficiary, year] = key.split("/") as [string, string, string, string];
      const actorIndex = (addr: string) => w.actors.findIndex((s) => s.address === addr);
      const amount = a.amount === 0n ? 0n : a.amount <= left ? a.amount : left;
      return {
        ...a,
        token: w.ids.indexOf(BigInt(id)),
        holder: actorIndex(holder),
        beneficiary: actorIndex(beneficiary),
        year: Number(year),
        amount,
      };
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
  /** Every id an issuance can create (see `idSlots`). */
  ids: bigint[];
  /**
   * The candidate ids a run's actions can create or touch (see `liveIds`): the snapshot reads these in full; the
   * others are only checked not to exist (reading all of them every step would take minutes).
   */
  live: bigint[];
}

const address = (w: World, i: number): string => (i === ACTORS ? ZeroAddress : (w.actors[i] as HardhatEthersSigner).address);
const idAt = (w: World, slot: number): bigint => w.ids[slot] as bigint;

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
  records: r.records.map((i) => RECORDS[i] as string),
  metadata: "{}",
});

/** The scope a request's evidence and records are spent in: the emitter for emissions, else the issuer. */
const scopeOfReq = (w: World, r: Req, issuer: string): string => (r.tokenType === TokenType.Emissions ? address(w, r.issuee) : issuer);
const idOfReq = (w: World, r: Req, issuer: string): bigint =>
  tokenIdOf(r.tokenType, scopeOfReq(w, r, issuer), EVIDENCE[r.evidence] as string);
const recordKey = (type: number, scope: string, record: number): string => `${type}/${scope}/${record}`;

/**
 * The rules an issuance request breaks, given the model (and ids and records already spent earlier in the same
 * batch). An empty list means it must succeed.
 */
function requestFaults(
  m: Model,
  w: World,
  r: Req,
  spent: { ids: Set<bigint>; records: Set<string> },
  path: { caller: IssuerKind } | "attested",
): string[] {
  const faults: string[] = [];
  const validType = r.tokenType >= 1 && r.tokenType <= 3;
  if (path === "attested") {
    if (r.tokenType !== TokenType.Emissions) faults.push("LedgerInvalidTokenType");
  } else {
    if (!validType) faults.push("LedgerInvalidTokenType");
    else if (!holdsIssuerRole(path.caller, r.tokenType)) faults.push("AccessControlUnauthorizedAccount");
    // k-of-n on every path: above 1, audited emissions come only by attestation.
    if (r.tokenType === TokenType.Emissions && m.threshold > 1) faults.push("LedgerEmissionsNeedAttestation");
  }
  if (r.issuee === ACTORS) faults.push("LedgerZeroAddress");
  if (r.amount === 0n) faults.push("LedgerZeroAmount");
  if (r.amount > MAX_AMOUNT) faults.push("LedgerAmountTooLarge");
  if (r.period === PERIODS.length - 1) faults.push("LedgerInvalidPeriod");
  const issuer = path === "attested" ? w.f.auditor.address : issuerSigner(w, path.caller).address;
  const scope = scopeOfReq(w, r, issuer);
  const id = idOfReq(w, r, issuer);
  if (r.evidence === 0) faults.push("LedgerZeroEvidence");
  else if (m.tokens.has(id) || spent.ids.has(id)) faults.push("LedgerEvidenceUsed");
  if (r.tokenType === TokenType.Emissions && r.records.length === 0) faults.push("LedgerEmissionsWithoutRecords");
  const seen = new Set<number>();
  for (const rec of r.records) {
    if (rec === 0) faults.push("LedgerZeroRecord");
    else if (seen.has(rec) || m.records.has(recordKey(r.tokenType, scope, rec)) || spent.records.has(recordKey(r.tokenType, scope, rec))) {
      faults.push("LedgerRecordUsed");
    }
    seen.add(rec);
  }
  if (m.paused) faults.push("EnforcedPause");
  if (m.limited && (r.tokenType === TokenType.REC || r.tokenType === TokenType.Offset) && r.issuee !== ACTORS) {
    if (!m.participants.has(address(w, r.issuee))) faults.push("LedgerUnregisteredParticipant");
  }
  return faults;
}

function spend(w: World, r: Req, issuer: string, spent: { ids: Set<bigint>; records: Set<string> }): void {
  spent.ids.add(idOfReq(w, r, issuer));
  for (const rec of r.records) spent.records.add(recordKey(r.tokenType, scopeOfReq(w, r, issuer), rec));
}

function applyIssue(m: Model, w: World, r: Req, issuer: string): void {
  const id = idOfReq(w, r, issuer);
  const issuee = address(w, r.issuee);
  const year = attributed(PERIODS[r.period] as [number, number]);
  m.tokens.set(id, { type: r.tokenType, evidence: r.evidence, issuee, year, issued: r.amount, retired: 0n, revoked: 0n });
  m.addBalance(issuee, id, r.amount);
  for (const rec of r.records) m.records.set(recordKey(r.tokenType, scopeOfReq(w, r, issuer), rec), id);
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

/**
 * The candidate ids `actions` can create or touch, in `w.ids` order: the slots named by token actions, and the id of
 * every request under the issuer that sends it (aimed actions only reach issued ids, which are among these; a
 * "reused" attestation may name any evidence in its emitter's scope).
 */
function liveIds(w: World, actions: Action[]): bigint[] {
  const live = new Set<bigint>();
  const addReq = (r: Req, caller: IssuerKind | "attested") => {
    const issuer = caller === "attested" ? w.f.auditor.address : issuerSigner(w, caller).address;
    const types = caller === "attested" ? [TokenType.Emissions, r.tokenType] : [r.tokenType];
    for (const tokenType of types) live.add(idOfReq(w, { ...r, tokenType }, issuer));
  };
  for (const a of actions) {
    switch (a.kind) {
      case "issue":
        addReq(a.req, a.rightRole ? rightIssuer(a.req.tokenType) : a.wrong);
        break;
      case "issueBatch":
        a.reqs.forEach((r) => addReq(r, a.caller));
        break;
      case "attested":
        addReq(a.req, "attested");
        if (a.variant === "reused") {
          for (let e = 0; e < EVIDENCE.length; e++) addReq({ ...a.req, evidence: e }, "attested");
        }
        break;
      case "transfer":
      case "retire":
      case "revoke":
      case "void":
        live.add(idAt(w, a.token));
        break;
      case "batchTransfer":
        a.items.forEach((i) => live.add(idAt(w, i.token)));
        break;
      default:
        break;
    }
  }
  return w.ids.filter((id) => live.has(id));
}

const noSpent = () => ({ ids: new Set<bigint>(), records: new Set<string>() });

async function planned(m: Model, w: World, a: Action): Promise<Step> {
  const { f } = w;
  switch (a.kind) {
    case "issue": {
      const caller: IssuerKind = a.rightRole ? rightIssuer(a.req.tokenType) : a.wrong;
      const faults = requestFaults(m, w, a.req, noSpent(), { caller });
      const signer = issuerSigner(w, caller);
      return {
        faults,
        send: () => f.ledger.connect(signer).issue(toRequest(w, a.req)),
        apply: () => applyIssue(m, w, a.req, signer.address),
      };
    }
    case "issueBatch": {
      const faults: string[] = a.reqs.length === 0 ? ["LedgerEmptyBatch"] : [];
      const spent = noSpent();
      const signer = issuerSigner(w, a.caller);
      for (const r of a.reqs) {
        faults.push(...requestFaults(m, w, r, spent, { caller: a.caller }));
        spend(w, r, signer.address, spent);
      }
      return {
        faults,
        send: () => f.ledger.connect(signer).issueBatch(a.reqs.map((r) => toRequest(w, r))),
        apply: () => a.reqs.forEach((r) => applyIssue(m, w, r, signer.address)),
      };
    }
    case "attested": {
      let r: Req = { ...a.req, tokenType: TokenType.Emissions };
      if (a.variant === "wrongType") r = { ...r, tokenType: a.req.tokenType === TokenType.Offset ? TokenType.Offset : TokenType.REC };
      if (a.variant === "reused" && m.tokens.size > 0) {
        // Reuse the evidence of an existing token; of an emitter's token, in that emitter's scope.
        const used = [...m.tokens.values()];
        const t = used[a.signers % used.length] as TokenModel;
        const emitter = w.actors.findIndex((s) => s.address === t.issuee);
        r = { ...r, evidence: t.evidence, issuee: t.type === TokenType.Emissions && emitter >= 0 ? emitter : r.issuee };
      }
      let signers = f.auditors.slice(0, a.signers);
      if (a.variant === "unsorted") signers = f.auditors.slice(0, 2);
      if (a.variant === "nonAuditor") signers = [f.outsider];
      const faults = requestFaults(m, w, r, noSpent(), "attested");
      if (signers.length < m.threshold) faults.push("LedgerAttestationInsufficientSignatures");
      if (a.variant === "unsorted") faults.push("LedgerAttestationSignersNotAscending");
      if (a.variant === "nonAuditor") faults.push("LedgerAttestationSignerNotAuditor");
      if (a.variant === "expired") faults.push("LedgerAttestationExpired");
      const now = BigInt(await time.latest());
      const signed = await attest(f, toRequest(w, r), signers, a.variant === "expired" ? now : now + 3_600n);
      if (a.variant === "unsorted") {
        signed.signers.reverse();
        signed.signatures.reverse();
      }
      const issuer = (signers[0] ?? f.auditor).address;
      return {
        faults,
        send: () => f.ledger.connect(w.actors[a.relayer] as HardhatEthersSigner).issueAttested(signed),
        apply: () => applyIssue(m, w, r, issuer),
      };
    }
    case "transfer":
    case "batchTransfer": {
      const from = address(w, a.from);
      const to = address(w, a.to);
      const operator = address(w, a.operator);
      const items =
        a.kind === "transfer"
          ? [{ id: idAt(w, a.token), amount: a.amount }]
          : a.items.map((i) => ({ id: idAt(w, i.token), amount: i.amount }));
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
      const id = idAt(w, a.token);
      const token = m.tokens.get(id);
      const p = CLAIM_PERIODS[a.period] as [number, number];
      const invalid = a.period === CLAIM_PERIODS.length - 1;
      const claimedYear = invalid ? 0 : attributed(p);
      const faults: string[] = [];
      if (!m.approved(holder, caller)) faults.push("ERC1155MissingApprovalForAll");
      if (a.beneficiary === ACTORS) faults.push("LedgerZeroAddress");
      if (invalid) faults.push("LedgerInvalidPeriod");
      else if (p[1] > (await time.latest())) faults.push("LedgerClaimedPeriodInFuture");
      if (token === undefined) faults.push("LedgerUnknownToken");
      else if (token.type === TokenType.Emissions) faults.push("LedgerNotRetirable");
      else if (!invalid && Math.abs(claimedYear - token.year) > m.gap) faults.push("LedgerClaimedYearTooFar");
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
          const key = `${id}/${holder}/${beneficiary}/${claimedYear}`;
          m.retiredFor.set(key, (m.retiredFor.get(key) ?? 0n) + a.amount);
          const y = m.year(beneficiary, claimedYear);
          if (t.type === TokenType.Offset) y.offsetsRetired += a.amount;
          else y.recsRetired += a.amount;
        },
      };
    }
    case "revoke": {
      const holder = address(w, a.holder);
      const id = idAt(w, a.token);
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
    case "void": {
      const holder = address(w, a.holder);
      const beneficiary = address(w, a.beneficiary);
      const id = idAt(w, a.token);
      const token = m.tokens.get(id);
      const key = `${id}/${holder}/${beneficiary}/${a.year}`;
      const left = m.retiredFor.get(key) ?? 0n;
      const faults: string[] = [];
      if (!a.byRevoker) faults.push("AccessControlUnauthorizedAccount");
      if (token === undefined) faults.push("LedgerUnknownToken");
      else if (token.type === TokenType.Emissions) faults.push("LedgerNotRetirable");
      if (a.amount === 0n) faults.push("LedgerZeroAmount");
      if (left < a.amount) faults.push("LedgerInsufficientRetired");
      // Works while paused and in limited mode: fraud found after retirement must be removable at any time.
      return {
        faults,
        send: () =>
          f.ledger.connect(a.byRevoker ? f.revoker : f.outsider).voidRetirement(holder, id, beneficiary, a.year, a.amount, "prop"),
        apply: () => {
          const t = token as TokenModel;
          m.retiredFor.set(key, left - a.amount);
          m.retiredBy.set(`${holder}/${id}`, (m.retiredBy.get(`${holder}/${id}`) ?? 0n) - a.amount);
          t.retired -= a.amount;
          t.revoked += a.amount;
          const y = m.year(beneficiary, a.year);
          if (t.type === TokenType.Offset) y.offsetsRetired -= a.amount;
          else y.recsRetired -= a.amount;
        },
      };
    }
    case "setClaimYearGap":
      return {
        faults: a.byAdmin ? [] : ["AccessControlUnauthorizedAccount"],
        send: () => f.ledger.connect(a.byAdmin ? f.admin : f.revoker).setClaimYearGap(a.value),
        apply: () => {
          m.gap = a.value;
        },
      };
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

/** The (type, scope) pairs records can be spent in: the two issuers' RECs and offsets, each actor's emissions. */
const recordScopes = (w: World): [number, string][] => [
  [TokenType.REC, w.f.recIssuer.address],
  [TokenType.Offset, w.f.offsetIssuer.address],
  ...w.actors.map((a): [number, string] => [TokenType.Emissions, a.address]),
];

async function readChain(w: World, m: Model) {
  const accounts = w.actors.map((a) => a.address);
  const s = await w.lens.snapshot(await w.f.ledger.getAddress(), w.live, accounts, YEARS);
  // Every other candidate id must not exist: evidenceUsed per scope covers them all; recordTokens per scope likewise.
  const scopes = recordScopes(w);
  const [used, records] = await w.lens.scoped(
    await w.f.ledger.getAddress(),
    scopes.map(([type]) => type),
    scopes.map(([, scope]) => scope),
    EVIDENCE,
    RECORDS,
  );
  const retiredKeys = [...m.retiredFor.keys()].sort();
  const retiredFor = await Promise.all(
    retiredKeys.map((k) => {
      const [id, holder, beneficiary, year] = k.split("/") as [string, string, string, string];
      return w.f.ledger.retiredFor(BigInt(id), holder, beneficiary, Number(year));
    }),
  );
  return {
    used: used.map((u) => [...u]),
    records: records.map((r) => [...r]),
    retiredFor,
    claimYearGap: Number(await w.f.ledger.claimYearGap()),
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
  const records = recordScopes(w).map(([type, scope]) => RECORDS.map((_, i) => m.records.get(recordKey(type, scope, i)) ?? 0n));
  const retiredFor = [...m.retiredFor.keys()].sort().map((k) => m.retiredFor.get(k) as bigint);
  const totals = accounts.flatMap((a) =>
    YEARS.map((y) => {
      const t = m.years.get(`${a}/${y}`) ?? { emissions: 0n, offsetsRetired: 0n, recsRetired: 0n };
      return { ...t, netPosition: t.emissions - t.offsetsRetired };
    }),
  );
  return {
    used: recordScopes(w).map(([type, scope]) => EVIDENCE.map((e) => m.tokens.has(tokenIdOf(type, scope, e)))),
    records,
    retiredFor,
    claimYearGap: m.gap,
    supplies: w.live.map((id) => {
      const t = m.tokens.get(id);
      return t === undefined
        ? { issued: 0n, retired: 0n, revoked: 0n, available: 0n, exists: false }
        : { issued: t.issued, retired: t.retired, revoked: t.revoked, available: t.issued - t.retired - t.revoked, exists: true };
    }),
    balances: accounts.flatMap((a) => w.live.map((id) => m.balance(a, id))),
    retiredBy: accounts.flatMap((a) => w.live.map((id) => m.retiredBy.get(`${a}/${id}`) ?? 0n)),
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
  const n = w.live.length;
  w.live.forEach((id, i) => {
    const s = now.supplies[i] as Snapshot["supplies"][number];
    const prev = before.supplies[i] as Snapshot["supplies"][number];
    const balances = accounts.map((_, a) => now.balances[a * n + i] as bigint);
    expect(s.issued, `issued == available + retired + revoked for id #${i}`).to.equal(s.available + s.retired + s.revoked);
    expect(balances.reduce((x, y) => x + y, 0n), `available == sum of balances for id #${i}`).to.equal(s.available);
    // Retired goes down only by a void, which moves exactly that amount into revoked: retired + revoked never drops.
    expect(s.retired + s.revoked >= prev.retired + prev.revoked, `retired + revoked never decreases for id #${i}`).to.equal(true);
    if (s.retired < prev.retired) {
      expect(s.revoked - prev.revoked, `a void moves retired into revoked for id #${i}`).to.equal(prev.retired - s.retired);
      expect(s.available, `a void leaves balances alone for id #${i}`).to.equal(prev.available);
    }
    expect(s.exists, `an id exists iff its evidence was used in its scope, id #${i}`).to.equal(m.tokens.has(id));
    const token = m.tokens.get(id);
    if (token?.type === TokenType.Emissions) {
      accounts.forEach((a, k) => {
        const now_ = now.balances[k * n + i] as bigint;
        const prev_ = before.balances[k * n + i] as bigint;
        if (a !== token.issuee) expect(now_, "emissions are only ever with their emitter").to.equal(0n);
        // Emissions only shrink, by revocation (a new issuance of the id is impossible once it exists).
        if (prev.exists) expect(now_ <= prev_, "emissions never grow after issuance").to.equal(true);
        if (a === token.issuee) expect(now_).to.equal(s.issued - s.revoked);
      });
    }
  });
  // One record, one token: a bound record names an existing token of its type, and its binding never changes.
  const scopes = recordScopes(w);
  now.records.forEach((ids, k) => {
    const [type] = scopes[k] as [number, string];
    ids.forEach((id, r) => {
      const prevId = (before.records[k] as bigint[])[r] as bigint;
      if (prevId !== 0n) expect(id, `record #${r} stays bound to its token`).to.equal(prevId);
      if (id !== 0n) {
        expect(r, "the zero record is never bound").to.not.equal(0);
        const i = w.live.indexOf(id);
        expect(i >= 0 && (now.supplies[i] as Snapshot["supplies"][number]).exists, `record #${r} backs an existing token`).to.equal(true);
        expect(m.tokens.get(id)?.type, `record #${r} backs a token of its type`).to.equal(type);
      }
    });
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
  const actors = [f.alice, f.bob, f.carol, f.acme, f.globex];
  const ids = idSlots(f, actors);
  return { f, lens, actors, ids, live: ids };
}

const FINALE: Action[] = [
  { kind: "unpause", byPauser: true },
  { kind: "retire", aim: true, holder: 0, caller: 0, token: 0, amount: 1n, beneficiary: 3, period: 0 },
  { kind: "void", aim: true, byRevoker: true, holder: 0, token: 0, beneficiary: 0, year: 2024, amount: 1n },
];

const describeAction = (a: Action): string => JSON.stringify(a, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));

// Tagged @slow so that `hardhat coverage` (see .solcover.js) skips it: instrumented, each step's full-ledger snapshot
// takes seconds. It runs in every `npm test` (one to three minutes: every step reads the ledger back); the unit tests
// alone cover the contract.
describe("ledger invariants (model-based property) @slow", function () {
  it("hold after every step of random sequences of ledger operations from several accounts", async function () {
    this.timeout(600_000); // bounded by NUM_RUNS x MAX_STEPS; generous for a loaded machine
    const tally = { steps: 0, succeeded: 0, failed: 0 };
    const outcomes = new Map<string, number>(); // `${action kind}:${error or ok}`
    await fc.assert(
      fc.asyncProperty(fc.array(action, { minLength: MIN_STEPS, maxLength: MAX_STEPS }), async (generated) => {
        // Every run ends by trying to unpause, retire something held and void that retirement, so that voids meet
        // real retirements in most runs (they go through the model like any other step).
        const actions = [...generated, ...FINALE];
        const w: World = await loadFixture(deployLedgerWithLens);
        w.live = liveIds(w, actions);
        const m = new Model();
        let before = await readChain(w, m);
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
          const outcome = `${a.kind}:${error ?? "ok"}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          if (faults.length === 0) {
            expect(error, `must succeed: ${describeAction(a)}`).to.equal(undefined);
            apply();
            tally.succeeded += 1;
          } else {
            expect(error, `must fail with one of ${faults.join(", ")}: ${describeAction(a)}`).to.be.oneOf(faults);
            tally.failed += 1;
          }
          const now = await readChain(w, m);
          if (error !== undefined) expect(now, `a failing call changed state: ${describeAction(a)}`).to.deep.equal(before);
          expect(now, `chain differs from model after ${describeAction(a)}`).to.deep.equal(expected(m, w));
          checkInvariants(w, m, now, before);
          before = now;
        }
      }),
      // Shrinking replays whole sequences hundreds of times (minutes here); the failing step is already named in the
      // message. Set LEDGER_PROPERTY_SHRINK=1 to shrink a counterexample anyway.
      // A fixed seed keeps CI reproducible (the exercised-rules guard below then always holds); set
      // LEDGER_PROPERTY_SEED to explore other sequences.
      { numRuns: NUM_RUNS, seed: Number(process.env.LEDGER_PROPERTY_SEED ?? 20_261_202), endOnFailure: process.env.LEDGER_PROPERTY_SHRINK === undefined },
    );
    // Guard against a vacuous run: both outcomes must have been exercised.
    expect(tally.succeeded).to.be.greaterThan(tally.steps / 8);
    expect(tally.failed).to.be.greaterThan(tally.steps / 10);
    if (process.env.LEDGER_PROPERTY_TALLY !== undefined) console.log([...outcomes.entries()].sort(), tally);
    // ...and the rules of issue 8 must have been met, not only stated.
    const seen = (suffix: string) => [...outcomes.entries()].some(([k, n]) => k.endsWith(`:${suffix}`) && n > 0);
    for (const outcome of ["ok", "LedgerRecordUsed", "LedgerClaimedPeriodInFuture", "LedgerEmissionsWithoutRecords"]) {
      expect(seen(outcome), `never exercised: ${outcome}`).to.equal(true);
    }
    expect(outcomes.get("void:ok") ?? 0, "never exercised: a successful void").to.be.greaterThan(0);
  });
});
