/**
 * The ledger's test fixture and builders. One named fixture, `deployLedger`, used through `loadFixture`.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { Addressable, TypedDataDomain } from "ethers";
import { keccak256, toUtf8Bytes } from "ethers";
import type { CarbonLedger } from "../../typechain-types";
import type { Attestation, IssueRequest } from "../../scripts/ledger/attestation";
import { attestationDomain, signAttestation } from "../../scripts/ledger/attestation";
import { scopeOf, tokenIdOf } from "../../scripts/ledger/token-id";
import { endOfDay, utc } from "../helpers/dates";

export type { Attestation, IssueRequest };

/** The token type codes of ICarbonLedger.TokenType. */
export const TokenType = { None: 0, REC: 1, Offset: 2, Emissions: 3 } as const;
export type TokenTypeCode = (typeof TokenType)[keyof typeof TokenType];

/** Seconds a started default-admin transfer waits before it can be accepted, in the fixture. */
export const ADMIN_TRANSFER_DELAY = 3 * 24 * 60 * 60;

/** Largest issuance amount the interface allows: 2^72 - 1. */
export const MAX_AMOUNT = 2n ** 72n - 1n;

/** ICarbonLedger.Retirement with concrete types. */
export interface RetirementInput {
  beneficiary: string;
  beneficiaryNameCommitment: string;
  fromDate: number;
  thruDate: number;
  reason: string;
}

let evidenceCounter = 0;

/** A fresh, never-before-returned evidence hash (keccak256 of a label and a counter). */
export function freshEvidence(label = "evidence"): string {
  evidenceCounter += 1;
  return keccak256(toUtf8Bytes(`${label}#${evidenceCounter}`));
}

let recordCounter = 0;

/** A fresh, never-before-returned record key (as the oracle derives one per Fabric record). */
export function freshRecord(label = "record"): string {
  recordCounter += 1;
  return keccak256(toUtf8Bytes(`${label}#${recordCounter}`));
}

/**
 * The token id an evidence hash becomes for `tokenType` within `scope` (emissions: the emitter; RECs and offsets:
 * the issuer). The shared derivation of scripts/ledger/token-id.ts.
 */
export const idOf = (tokenType: number, scope: string | { address: string }, evidenceHash: string): bigint =>
  tokenIdOf(tokenType, typeof scope === "string" ? scope : scope.address, evidenceHash);

/** The commitment to a beneficiary's name, as the CLI would compute it (name and salt stay off chain). */
export const nameCommitment = (name: string, salt = "salt"): string => keccak256(toUtf8Bytes(`${name}|${salt}`));

/**
 * An issuance request: a REC of 1,000 Wh for calendar 2024 with fresh evidence and JSON metadata, unless overridden.
 * Audited emissions name one fresh record key (they need at least one); RECs and offsets name none. `issuee` is
 * required because the builder knows no accounts.
 */
export function issueRequest(overrides: Partial<IssueRequest> & Pick<IssueRequest, "issuee">): IssueRequest {
  const tokenType = overrides.tokenType ?? TokenType.REC;
  return {
    tokenType: TokenType.REC,
    amount: 1_000n,
    fromDate: utc("2024-01-01"),
    thruDate: endOfDay("2024-12-31"),
    evidenceHash: freshEvidence(),
    records: tokenType === TokenType.Emissions ? [freshRecord()] : [],
    metadata: '{"source":"test"}',
    ...overrides,
  };
}

/** A retirement claimed for calendar 2024, unless overridden. `beneficiary` is required. */
export function retirement(
  overrides: Partial<RetirementInput> & Pick<RetirementInput, "beneficiary">,
): RetirementInput {
  return {
    beneficiaryNameCommitment: nameCommitment("ACME Corp"),
    fromDate: utc("2024-01-01"),
    thruDate: endOfDay("2024-12-31"),
    reason: "Scope 2, 2024",
    ...overrides,
  };
}

/** The Issued event's arguments for `request` issued as `id` by `issuer`: the receipt repeats the request. */
export const issuedEventArgs = (id: bigint, issuer: string, request: IssueRequest) => [
  id, issuer, request.issuee, request.tokenType, request.amount, request.fromDate, request.thruDate, request.evidenceHash,
];

/** The Retired event's arguments: `amount` of `id` retired from `holder` by `operator`, with every field of `claim`. */
export const retiredEventArgs = (holder: string, id: bigint, operator: string | Addressable, amount: bigint, claim: RetirementInput) => [
  holder, id, claim.beneficiary, operator, amount, claim.beneficiaryNameCommitment, claim.fromDate, claim.thruDate, claim.reason,
];

/** Deploys the ledger with every role granted to a named signer. */
export async function deployLedger() {
  const signers = await ethers.getSigners();
  const [admin, recIssuer, offsetIssuer, auditorA, auditorB, auditorC, revoker, pauser, registrar] = signers;
  const [alice, bob, carol, acme, globex, outsider, newAdmin] = signers.slice(9);
  const named = [admin, recIssuer, offsetIssuer, auditorA, auditorB, auditorC, revoker, pauser, registrar];
  const others = [alice, bob, carol, acme, globex, outsider, newAdmin];
  if ([...named, ...others].some((s) => s === undefined)) throw new Error("the fixture needs 16 signers");
  const must = (s: HardhatEthersSigner | undefined): HardhatEthersSigner => s as HardhatEthersSigner;

  const ledger: CarbonLedger = await ethers.deployContract("CarbonLedger", [
    must(admin).address,
    ADMIN_TRANSFER_DELAY,
  ]);
  await ledger.waitForDeployment();
  const asAdmin = ledger.connect(must(admin));
  await asAdmin.grantRole(await ledger.REC_ISSUER_ROLE(), must(recIssuer).address);
  await asAdmin.grantRole(await ledger.OFFSET_ISSUER_ROLE(), must(offsetIssuer).address);
  for (const auditor of [auditorA, auditorB, auditorC]) {
    await asAdmin.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), must(auditor).address);
  }
  await asAdmin.grantRole(await ledger.REVOKER_ROLE(), must(revoker).address);
  await asAdmin.grantRole(await ledger.PAUSER_ROLE(), must(pauser).address);
  await asAdmin.grantRole(await ledger.REGISTRAR_ROLE(), must(registrar).address);

  const { chainId } = await ethers.provider.getNetwork();
  const domain: TypedDataDomain = attestationDomain(chainId, await ledger.getAddress());
  // Auditors sorted by address, so tests can state the signer order the contract requires.
  const auditors = [must(auditorA), must(auditorB), must(auditorC)].sort((a, b) =>
    BigInt(a.address) < BigInt(b.address) ? -1 : 1,
  );

  return {
    ledger,
    domain,
    admin: must(admin),
    recIssuer: must(recIssuer),
    offsetIssuer: must(offsetIssuer),
    /** The three emissions auditors, in ascending address order. */
    auditors,
    auditor: auditors[0] as HardhatEthersSigner,
    revoker: must(revoker),
    pauser: must(pauser),
    registrar: must(registrar),
    alice: must(alice),
    bob: must(bob),
    carol: must(carol),
    /** Companies that emit (issuees of audited emissions). */
    acme: must(acme),
    globex: must(globex),
    /** Holds no role and no tokens. */
    outsider: must(outsider),
    /** A fresh account for admin transfers. */
    newAdmin: must(newAdmin),
  };
}

export type LedgerFixture = Awaited<ReturnType<typeof deployLedger>>;

/** The signer holding the issuer role of `tokenType` in the fixture. */
export function issuerOf(f: LedgerFixture, tokenType: TokenTypeCode): HardhatEthersSigner {
  if (tokenType === TokenType.REC) return f.recIssuer;
  if (tokenType === TokenType.Offset) return f.offsetIssuer;
  return f.auditor;
}

/**
 * The id `request` gets when `issuer` (default: the fixture's issuer of its type; for attested emissions any signer,
 * since their scope is the emitter) issues it.
 */
export function requestId(f: LedgerFixture, request: IssueRequest, issuer?: { address: string }): bigint {
  const by = issuer ?? issuerOf(f, request.tokenType as TokenTypeCode);
  return idOf(request.tokenType, scopeOf(request.tokenType, by.address, request.issuee), request.evidenceHash);
}

/** Issues `request` from `issuer` (default: the issuer of its type) and returns the new id, as the contract reported it. */
export async function issued(f: LedgerFixture, request: IssueRequest, issuer?: HardhatEthersSigner): Promise<bigint> {
  const by = issuer ?? issuerOf(f, request.tokenType as TokenTypeCode);
  const id = await f.ledger.connect(by).issue.staticCall(request);
  await f.ledger.connect(by).issue(request);
  expect(id).to.equal(requestId(f, request, by), "the id the contract returned differs from tokenIdOf");
  return id;
}

/** Signs `request` by `signers` with a deadline one hour after the latest block, unless given. */
export async function attest(
  f: LedgerFixture,
  request: IssueRequest,
  signers: HardhatEthersSigner[],
  deadline?: bigint,
): Promise<Attestation> {
  const until = deadline ?? BigInt(await time.latest()) + 3_600n;
  return signAttestation(request, until, signers, f.domain);
}

/** Supply and per-holder reads of one id, as plain data for comparisons. */
export async function supplyOf(ledger: CarbonLedger, id: bigint, holders: { address: string }[]) {
  const [issued, available, retired, revoked, balances] = await Promise.all([
    ledger.issuedOf(id),
    ledger.availableOf(id),
    ledger.retiredOf(id),
    ledger.revokedOf(id),
    Promise.all(holders.map((h) => ledger.balanceOf(h.address, id))),
  ]);
  return { issued, available, retired, revoked, balances };
}

/**
 * Checks the ledger's invariant for `id`: `issuedOf == availableOf + retiredOf + revokedOf`, and `availableOf` is the
 * sum of the balances of `holders` (which must include every account that holds any of `id`).
 */
export async function expectBalanced(ledger: CarbonLedger, id: bigint, holders: { address: string }[]): Promise<void> {
  const s = await supplyOf(ledger, id, holders);
  expect(s.issued).to.equal(s.available + s.retired + s.revoked, `issued != available + retired + revoked for ${id}`);
  expect(s.balances.reduce((a, b) => a + b, 0n)).to.equal(s.available, `available != sum of balances for ${id}`);
}

/** Year totals of `account` in `year` as plain data. */
export async function totalsOf(ledger: CarbonLedger, account: { address: string }, year: number) {
  const t = await ledger.yearTotals(account.address, year);
  return {
    emissions: t.emissions,
    offsetsRetired: t.offsetsRetired,
    recsRetired: t.recsRetired,
    netPosition: t.netPosition,
  };
}
