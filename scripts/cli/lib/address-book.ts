/**
 * Names for the addresses a user meets: the suite's contracts from the deployment record (timelock, governor,
 * ledger, registry, voting token) and the accounts the network's parameters name (deployer, guardian, registrars,
 * auditors, issuers, DAO members). Outputs show `0x1234…abcd (timelock)`.
 */
import type { DeploymentRecord } from "../../lib/deployment";

export type AddressBook = ReadonlyMap<string, string>;

const CONTRACT_LABELS: Record<string, string> = {
  Timelock: "timelock", ClimateGovernor: "governor", CarbonLedger: "ledger", ClaimsRegistry: "registry", VotingToken: "voting token",
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isAddressText = (v: unknown): v is string => typeof v === "string" && /^0x[0-9a-fA-F]{40}$/.test(v);

/** The address book of a deployment record; labels of one account are joined ("guardian, registrar"). */
export function addressBook(record: DeploymentRecord | undefined): AddressBook {
  const labels = new Map<string, string[]>();
  const add = (address: unknown, label: string): void => {
    if (!isAddressText(address)) return;
    const key = address.toLowerCase();
    const list = labels.get(key) ?? [];
    if (!list.includes(label)) list.push(label);
    labels.set(key, list);
  };
  if (record === undefined) return new Map();
  for (const [name, entry] of Object.entries(record.contracts)) add(entry?.address, CONTRACT_LABELS[name] ?? name);
  const p = isRecord(record.parameters) ? record.parameters : {};
  const ledger = isRecord(p["ledger"]) ? p["ledger"] : {};
  add(ledger["guardian"], "guardian");
  const lists: [string, string][] = [["registrars", "registrar"], ["auditors", "auditor"], ["recIssuers", "REC issuer"], ["offsetIssuers", "offset issuer"]];
  for (const [key, label] of lists) if (Array.isArray(ledger[key])) for (const a of ledger[key] as unknown[]) add(a, label);
  const token = isRecord(p["votingToken"]) ? p["votingToken"] : {};
  if (Array.isArray(token["holders"])) for (const h of token["holders"] as unknown[]) if (isRecord(h)) add(h["account"], "DAO member");
  add(record.deployer, "deployer");
  return new Map([...labels].map(([k, v]) => [k, v.join(", ")]));
}

/** `0x1234…abcd (timelock)` for a known address; an unknown one in full (it must stay copyable). */
export function labelled(book: AddressBook, address: string): string {
  const label = book.get(address.toLowerCase());
  return label === undefined ? address : `${address.slice(0, 6)}…${address.slice(-4)} (${label})`;
}
