/**
 * Proposal builders for the climate DAO: each returns the targets, values and calldatas the timelock will run
 * and a description naming what the proposal does, with amounts in human units. Used by the tests and the CLI.
 *
 * Errors are values (`Parsed<Proposal>`): every problem with the input is collected and named.
 *
 * Front-running: a criteria proposal has the same id as a plain proposal with the same actions and description.
 * Pass `proposer` to end the description with `#proposer=<address>` (OpenZeppelin's opt-in protection) so that
 * nobody else can create that id first.
 */
import type { Interface } from "ethers";
import { AbiCoder, getAddress, isAddress, isHexString, keccak256, toUtf8Bytes } from "ethers";
import type { Parsed } from "../lib/units";
import { formatAmount, formatDate } from "../lib/units";
import { ClaimsRegistry__factory, ClimateGovernor__factory, CarbonLedger__factory } from "../../typechain-types";

/** What a governor proposal carries; `criteria` present means "create with proposeWithCriteria". */
export interface Proposal {
  targets: string[];
  values: bigint[];
  calldatas: string[];
  description: string;
  criteria?: string[];
}

/** The quality criteria an offset project is voted on, unless a proposal names others. */
export const DEFAULT_CRITERIA: readonly string[] = ["real", "additional", "permanent", "verifiable", "no leakage"];

/** Support values: a plain vote's `support`, and each byte of a criteria vote's params. */
export const Vote = { Against: 0, For: 1, Abstain: 2 } as const;
export type VoteSupport = (typeof Vote)[keyof typeof Vote];

/** The `support` value of a criteria vote (ClimateGovernor.CRITERIA_VOTE). */
export const CRITERIA_VOTE = 255;

/** Params of a criteria vote: one byte per criterion, in the proposal's order (0 against, 1 for, 2 abstain). */
export function encodeCriteriaVotes(supports: readonly VoteSupport[]): string {
  return "0x" + supports.map((s) => s.toString(16).padStart(2, "0")).join("");
}

/** The governor's proposal id (OpenZeppelin `hashProposal`), computed off chain. */
export function proposalId(p: Pick<Proposal, "targets" | "values" | "calldatas" | "description">): bigint {
  const encoded = AbiCoder.defaultAbiCoder().encode(
    ["address[]", "uint256[]", "bytes[]", "bytes32"],
    [p.targets, p.values, p.calldatas, keccak256(toUtf8Bytes(p.description))],
  );
  return BigInt(keccak256(encoded));
}

/**
 * Evidence hash of a project issuance: keccak256 of the sorted document hashes and the metadata's hash. The same
 * documents and metadata always give the same hash; with the token type and the issuer (the timelock) it gives the
 * token id, `tokenIdOf(type, timelock, evidenceHash)` (one issuance per evidence within that scope).
 */
export function projectEvidenceHash(documentHashes: readonly string[], metadata: string): string {
  const sorted = [...documentHashes].map((h) => h.toLowerCase()).sort();
  return keccak256(AbiCoder.defaultAbiCoder().encode(["bytes32[]", "bytes32"], [sorted, keccak256(toUtf8Bytes(metadata))]));
}

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

class Problems {
  readonly list: string[] = [];
  address(what: string, value: string): string {
    if (!isAddress(value)) {
      this.list.push(`${what} "${value}": expected a 0x address`);
      return value;
    }
    return getAddress(value);
  }
  bytes32(what: string, value: string): void {
    if (!isHexString(value, 32)) this.list.push(`${what} "${value}": expected 32 bytes of hex (0x + 64 digits)`);
    else if (BigInt(value) === 0n) this.list.push(`${what}: must not be zero`);
  }
  /** A token id given as a bigint or 0x hex (32 bytes); 0n when invalid (the problem is listed). */
  tokenId(value: bigint | string): bigint {
    if (typeof value === "string") {
      this.bytes32("token id", value);
      return isHexString(value, 32) ? BigInt(value) : 0n;
    }
    if (value <= 0n || value >= 2n ** 256n) {
      this.list.push(`token id ${value}: expected a non-zero uint256`);
      return 0n;
    }
    return value;
  }
  positive(what: string, value: bigint): void {
    if (value <= 0n) this.list.push(`${what} ${value}: must be greater than zero`);
  }
  result<T>(build: () => T): Parsed<T> {
    return this.list.length > 0 ? { ok: false, error: this.list.join("; ") } : ok(build());
  }
}

const suffix = (proposer?: string): string => (proposer === undefined ? "" : `\n\n#proposer=${getAddress(proposer)}`);

export interface ProjectIssuance {
  ledger: string;
  kind: "offset" | "rec";
  /** The project's account, which receives the tokens. */
  project: string;
  projectName: string;
  /** g CO2e (offsets) or Wh (RECs). */
  amount: bigint;
  fromDate: number;
  thruDate: number;
  /** See {projectEvidenceHash}; with the type and the issuer (the timelock) it gives the token id (token-id.ts). */
  evidenceHash: string;
  /** Keys of the underlying records, if any (optional for offsets and RECs); each backs one token of its scope. */
  records?: readonly string[];
  /** JSON or URI describing the project. */
  metadata: string;
  /** Criteria voted on; default {DEFAULT_CRITERIA}; `null` for a plain proposal. */
  criteria?: readonly string[] | null;
  proposer?: string;
}

/** Issue offsets or RECs to a project through the ledger's `issue` (the timelock holds both issuer roles). */
export function issueToProject(input: ProjectIssuance): Parsed<Proposal> {
  const p = new Problems();
  const ledger = p.address("ledger", input.ledger);
  const project = p.address("project", input.project);
  p.positive("amount", input.amount);
  p.bytes32("evidence hash", input.evidenceHash);
  if (!Number.isSafeInteger(input.fromDate) || !Number.isSafeInteger(input.thruDate) || input.fromDate < 0) {
    p.list.push(`period ${input.fromDate}..${input.thruDate}: expected unix seconds`);
  } else if (input.fromDate > input.thruDate) {
    p.list.push(`period ${formatDate(input.fromDate)}..${formatDate(input.thruDate)}: ends before it starts`);
  }
  if (input.projectName.trim() === "") p.list.push("project name: must not be empty");
  (input.records ?? []).forEach((r, i) => p.bytes32(`record ${i}`, r));
  if (new Set((input.records ?? []).map((r) => r.toLowerCase())).size !== (input.records ?? []).length) {
    p.list.push("records: must be distinct");
  }
  const criteria = input.criteria === null ? undefined : [...(input.criteria ?? DEFAULT_CRITERIA)];
  if (criteria !== undefined && (criteria.length === 0 || criteria.length > 16)) {
    p.list.push(`criteria: expected 1 to 16, got ${criteria.length}`);
  }
  criteria?.forEach((c, i) => {
    if (c.trim() === "") p.list.push(`criterion ${i}: must not be empty`);
  });
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const tokenType = input.kind === "offset" ? 2 : 1;
    const calldata = CarbonLedger__factory.createInterface().encodeFunctionData("issue", [
      {
        tokenType,
        issuee: project,
        amount: input.amount,
        fromDate: input.fromDate,
        thruDate: input.thruDate,
        evidenceHash: input.evidenceHash,
        records: [...(input.records ?? [])],
        metadata: input.metadata,
      },
    ]);
    const shown = formatAmount(input.amount, input.kind === "offset" ? "mass" : "energy");
    const what = input.kind === "offset" ? "carbon offsets" : "renewable energy certificates";
    const description =
      `Issue ${shown} of ${what} to ${input.projectName} (${project}) ` +
      `for ${formatDate(input.fromDate)}..${formatDate(input.thruDate)}, evidence ${input.evidenceHash}` +
      suffix(input.proposer);
    const proposal: Proposal = { targets: [ledger], values: [0n], calldatas: [calldata], description };
    if (criteria !== undefined) proposal.criteria = criteria;
    return proposal;
  });
}

export interface ClaimVerdict {
  registry: string;
  claimId: bigint;
  approved: boolean;
  /** The published reasons; the registry stores their keccak256. */
  reason: string;
  proposer?: string;
}

/** Record the DAO's verdict on a climate claim (the registry notes the executing proposal's id itself). */
export function recordClaimVerdict(input: ClaimVerdict): Parsed<Proposal> {
  const p = new Problems();
  const registry = p.address("registry", input.registry);
  p.positive("claim id", input.claimId);
  if (input.reason.trim() === "") p.list.push("reason: must not be empty");
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const reasonHash = keccak256(toUtf8Bytes(input.reason));
    const calldata = ClaimsRegistry__factory.createInterface().encodeFunctionData("recordVerdict", [
      input.claimId,
      input.approved,
      reasonHash,
    ]);
    const description =
      `${input.approved ? "Approve" : "Reject"} climate claim #${input.claimId}: ${input.reason}` +
      ` (reason hash ${reasonHash})` + suffix(input.proposer);
    return { targets: [registry], values: [0n], calldatas: [calldata], description };
  });
}

export interface Revocation {
  ledger: string;
  holder: string;
  /** Token id (tokenIdOf(type, scope, evidence hash): see token-id.ts), as a bigint or 0x hex. */
  id: bigint | string;
  /** Base units of the token's type. */
  amount: bigint;
  quantity: "mass" | "energy";
  reason: string;
  proposer?: string;
}

/** Revoke an amount of an issuance held by `holder` (fraud, error); the timelock holds the revoker role. */
export function revokeIssuance(input: Revocation): Parsed<Proposal> {
  const p = new Problems();
  const ledger = p.address("ledger", input.ledger);
  const holder = p.address("holder", input.holder);
  p.positive("amount", input.amount);
  const id = p.tokenId(input.id);
  if (input.reason.trim() === "") p.list.push("reason: must not be empty");
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const calldata = CarbonLedger__factory.createInterface().encodeFunctionData("revoke", [
      holder,
      id,
      input.amount,
      input.reason,
    ]);
    const hexId = "0x" + id.toString(16).padStart(64, "0");
    const description =
      `Revoke ${formatAmount(input.amount, input.quantity)} of token ${hexId} held by ${holder}: ${input.reason}` +
      suffix(input.proposer);
    return { targets: [ledger], values: [0n], calldatas: [calldata], description };
  });
}

export interface RetirementVoid {
  ledger: string;
  /** The account that retired (whose retired total the void reduces). */
  holder: string;
  /** Token id of the retired REC or offset, as a bigint or 0x hex. */
  id: bigint | string;
  /** The beneficiary the retirement was made for (as on the receipt). */
  beneficiary: string;
  /** The calendar year (UTC) the retirement counts towards (as on the receipt). */
  year: number;
  /** Base units of the token's type. */
  amount: bigint;
  quantity: "mass" | "energy";
  reason: string;
  proposer?: string;
}

/**
 * Void an amount of a retirement (fraud or error found after it): it leaves the beneficiary's retired totals and
 * net position for that year and counts as revoked. The timelock holds the revoker role.
 */
export function voidRetirement(input: RetirementVoid): Parsed<Proposal> {
  const p = new Problems();
  const ledger = p.address("ledger", input.ledger);
  const holder = p.address("holder", input.holder);
  const beneficiary = p.address("beneficiary", input.beneficiary);
  p.positive("amount", input.amount);
  const id = p.tokenId(input.id);
  if (!Number.isInteger(input.year) || input.year < 1970 || input.year > 65_535) {
    p.list.push(`year ${input.year}: expected a calendar year such as 2025`);
  }
  if (input.reason.trim() === "") p.list.push("reason: must not be empty");
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const calldata = CarbonLedger__factory.createInterface().encodeFunctionData("voidRetirement", [
      holder,
      id,
      beneficiary,
      input.year,
      input.amount,
      input.reason,
    ]);
    const hexId = "0x" + id.toString(16).padStart(64, "0");
    const description =
      `Void ${formatAmount(input.amount, input.quantity)} of the retirement of token ${hexId} by ${holder} ` +
      `for beneficiary ${beneficiary} in ${input.year}: ${input.reason}` +
      suffix(input.proposer);
    return { targets: [ledger], values: [0n], calldatas: [calldata], description };
  });
}

/** Ledger roles a proposal may grant or revoke (the admin role moves only by the two-step transfer). */
export const LEDGER_ROLES = [
  "REC_ISSUER_ROLE",
  "OFFSET_ISSUER_ROLE",
  "EMISSIONS_AUDITOR_ROLE",
  "REVOKER_ROLE",
  "PAUSER_ROLE",
  "REGISTRAR_ROLE",
] as const;
export type LedgerRole = (typeof LEDGER_ROLES)[number];

export interface RoleChange {
  ledger: string;
  role: string;
  account: string;
  grant: boolean;
  proposer?: string;
}

const isLedgerRole = (role: string): role is LedgerRole => (LEDGER_ROLES as readonly string[]).includes(role);

/** Grant or revoke a ledger role. */
export function changeLedgerRole(input: RoleChange): Parsed<Proposal> {
  const p = new Problems();
  const ledger = p.address("ledger", input.ledger);
  const account = p.address("account", input.account);
  const role = input.role.trim().toUpperCase();
  if (!isLedgerRole(role)) p.list.push(`role "${input.role}": expected one of ${LEDGER_ROLES.join(", ")}`);
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const roleHash = keccak256(toUtf8Bytes(role));
    const iface = CarbonLedger__factory.createInterface();
    const calldata = input.grant
      ? iface.encodeFunctionData("grantRole", [roleHash, account])
      : iface.encodeFunctionData("revokeRole", [roleHash, account]);
    const description =
      `${input.grant ? "Grant" : "Revoke"} ledger role ${role} ${input.grant ? "to" : "from"} ${account}` +
      suffix(input.proposer);
    return { targets: [ledger], values: [0n], calldatas: [calldata], description };
  });
}

/** Governor settings a proposal may change, and the governor function that sets each. */
export const GOVERNOR_SETTINGS = {
  votingDelay: "setVotingDelay",
  votingPeriod: "setVotingPeriod",
  proposalThreshold: "setProposalThreshold",
  quorumNumerator: "updateQuorumNumerator",
  lateQuorumExtension: "setLateQuorumVoteExtension",
} as const;
export type GovernorSetting = keyof typeof GOVERNOR_SETTINGS;

export interface SettingChange {
  governor: string;
  setting: string;
  value: bigint;
  proposer?: string;
}

const isSetting = (s: string): s is GovernorSetting => Object.prototype.hasOwnProperty.call(GOVERNOR_SETTINGS, s);
const UNIT: Record<GovernorSetting, string> = {
  votingDelay: " s",
  votingPeriod: " s",
  proposalThreshold: " votes (token base units)",
  quorumNumerator: "% of supply",
  lateQuorumExtension: " s",
};
const MAX: Record<GovernorSetting, bigint> = {
  votingDelay: 2n ** 48n - 1n,
  votingPeriod: 2n ** 32n - 1n,
  proposalThreshold: 2n ** 256n - 1n,
  quorumNumerator: 100n,
  lateQuorumExtension: 2n ** 48n - 1n,
};

/** Change a governor setting (only possible by vote: the governor's settings are `onlyGovernance`). */
export function changeGovernorSetting(input: SettingChange): Parsed<Proposal> {
  const p = new Problems();
  const governor = p.address("governor", input.governor);
  const setting = input.setting;
  if (!isSetting(setting)) {
    p.list.push(`setting "${setting}": expected one of ${Object.keys(GOVERNOR_SETTINGS).join(", ")}`);
  } else if (input.value < 0n || input.value > MAX[setting]) {
    p.list.push(`${setting} ${input.value}: expected 0..${MAX[setting]}`);
  }
  if (input.proposer !== undefined) p.address("proposer", input.proposer);
  return p.result(() => {
    const s = setting as GovernorSetting;
    // Each setter takes one integer; the plain Interface encodes by name.
    const iface: Interface = ClimateGovernor__factory.createInterface();
    const calldata = iface.encodeFunctionData(GOVERNOR_SETTINGS[s], [input.value]);
    const description = `Set governor ${s} to ${input.value}${UNIT[s]}` + suffix(input.proposer);
    return { targets: [governor], values: [0n], calldatas: [calldata], description };
  });
}

/** Unwraps a builder result at the edge (tests, CLI), throwing the collected problems. */
export function unwrap<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
