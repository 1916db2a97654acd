/** The relay's summary for people, shared by `npm run oracle` and `auditor relay`: counts, amounts in human units. */
import { formatAmount } from "../lib/units";
import type { RelaySummary } from "./relay";

/** "1 transaction", "2 transactions". */
export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** Totals the relay would mint in a dry run: the rest are zero, already minted or in conflict. */
export const wouldMint = (s: RelaySummary): number => s.totals - s.zeroTotals - s.skippedAlreadyMinted - (s.conflicts ?? 0);

/**
 * Label/value rows: records (read, skipped as already tokenised, quarantined, valid), then totals with their
 * tonnage, then what happened to them (minted, skipped as already minted, zero, conflicts), then the chain's cost.
 * The tonnage belongs to the totals, not to the minted count.
 */
export function summaryRows(s: RelaySummary): [string, string][] {
  return [
    ["records read", String(s.recordsRead)],
    ["skipped, already tokenised", String(s.alreadyTokenised)],
    ["quarantined", s.quarantined > 0 ? `${s.quarantined} (see ${s.quarantineFile})` : "0"],
    ["valid records", String(s.validRecords)],
    ["without document", String(s.withoutDocument)],
    ["audited totals", `${s.totals} (${formatAmount(BigInt(s.totalGrams), "mass")} in all)`],
    [s.dryRun ? "would mint" : "minted", String(s.dryRun ? wouldMint(s) : s.minted)],
    ["skipped, already minted", s.mintedByOthers > 0 ? `${s.skippedAlreadyMinted} (${s.mintedByOthers} minted by someone else during this run)` : String(s.skippedAlreadyMinted)],
    ["skipped, zero", String(s.zeroTotals)],
    ["conflicts", String(s.conflicts ?? 0)],
    ...(s.audit === undefined
      ? []
      : [["audit", `${s.audit.audited} audited (${s.audit.withinTolerance} within ${s.audit.tolerancePercent}%, ${s.audit.deviating} deviating), ${s.audit.unaudited} unaudited`] as [string, string]]),
    ["transactions", `${plural(s.transactions, "transaction")}, ${BigInt(s.gasUsed).toLocaleString("en-US")} gas`],
    ...(s.writtenBack > 0 ? [["written back", String(s.writtenBack)] as [string, string]] : []),
    ...(s.journalReset !== undefined ? [["journal reset", s.journalReset] as [string, string]] : []),
  ];
}

/** The rows as aligned lines. */
export function humanSummary(s: RelaySummary): string[] {
  return summaryRows(s).map(([k, v]) => `${k.padEnd(27)} ${v}`);
}

/** An error line without a repeated "oracle: " prefix (messages from lower layers may carry their own). */
export const withoutPrefix = (message: string): string => message.replace(/^(oracle:\s*)+/i, "");
