/** A token: its record and totals, and its full history from the logs. */
import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { usePublicClient } from "wagmi";
import { formatDateTime, hex32, quantityOfType, TOKEN_TYPE_LABELS } from "@shared/format";
import { formatAmount, formatDate } from "@shared/units";
import { useSuite } from "../chain";
import { readRecord } from "../data";
import { AccountLink, Failed, href, Loading } from "../ui";

const ZERO = "0x0000000000000000000000000000000000000000";

export default function Token({ id }: { id: string }) {
  const client = usePublicClient();
  const suite = useSuite();
  const tokenId = /^0x[0-9a-fA-F]{1,64}$/.test(id) || /^\d+$/.test(id) ? BigInt(id) : undefined;
  const q = useQuery({
    queryKey: ["token", id],
    enabled: tokenId !== undefined,
    queryFn: async () => {
      const tid = tokenId as bigint;
      const exists = await client!.readContract({ ...suite.ledger, functionName: "exists", args: [tid] });
      if (!exists) throw new Error(`No token ${id} was ever issued on this ledger`);
      const L = { ...suite.ledger, fromBlock: suite.fromBlock };
      const [record, issued, retiredTotal, revokedTotal, available, iss, transfers, retired, revoked, voided] = await Promise.all([
        readRecord(client!, suite, tid),
        client!.readContract({ ...suite.ledger, functionName: "issuedOf", args: [tid] }),
        client!.readContract({ ...suite.ledger, functionName: "retiredOf", args: [tid] }),
        client!.readContract({ ...suite.ledger, functionName: "revokedOf", args: [tid] }),
        client!.readContract({ ...suite.ledger, functionName: "availableOf", args: [tid] }),
        client!.getContractEvents({ ...L, eventName: "Issued", args: { id: tid } }),
        client!.getContractEvents({ ...L, eventName: "TransferSingle" }),
        client!.getContractEvents({ ...L, eventName: "Retired", args: { id: tid } }),
        client!.getContractEvents({ ...L, eventName: "Revoked", args: { id: tid } }),
        client!.getContractEvents({ ...L, eventName: "RetirementVoided", args: { id: tid } }),
      ]);
      const qty = quantityOfType(record.tokenType);
      type Row = { block: bigint; logIndex: number; tx: string; kind: string; what: React.ReactNode };
      const rows: Row[] = [];
      for (const e of iss) rows.push({ block: e.blockNumber, logIndex: e.logIndex, tx: e.transactionHash, kind: "Issuance", what: <>{formatAmount(e.args.amount as bigint, qty)} issued by <AccountLink address={e.args.issuer as Address} /> to <AccountLink address={e.args.issuee as Address} />; evidence <span className="mono">{e.args.evidenceHash}</span></> });
      for (const e of transfers) {
        if (e.args.id !== tid || e.args.from === ZERO || e.args.to === ZERO) continue;
        rows.push({ block: e.blockNumber, logIndex: e.logIndex, tx: e.transactionHash, kind: "Transfer", what: <>{formatAmount(e.args.value as bigint, qty)} from <AccountLink address={e.args.from as Address} /> to <AccountLink address={e.args.to as Address} /></> });
      }
      for (const e of retired) rows.push({ block: e.blockNumber, logIndex: e.logIndex, tx: e.transactionHash, kind: "Retirement", what: <>{formatAmount(e.args.amount as bigint, qty)} retired by <AccountLink address={e.args.holder as Address} /> for <AccountLink address={e.args.beneficiary as Address} />, {formatDate(e.args.fromDate as number)} – {formatDate(e.args.thruDate as number)}: “{e.args.reason}” (<a href={href("certificate", e.transactionHash, e.logIndex)}>certificate</a>)</> });
      for (const e of revoked) rows.push({ block: e.blockNumber, logIndex: e.logIndex, tx: e.transactionHash, kind: "Revocation", what: <>{formatAmount(e.args.amount as bigint, qty)} revoked from <AccountLink address={e.args.holder as Address} />: “{e.args.reason}”{e.args.proposalId !== 0n ? <> — decided by <a href={href("proposal", e.args.proposalId as bigint)}>proposal {String(e.args.proposalId).slice(0, 10)}…</a></> : " — outside a proposal"}</> });
      for (const e of voided) rows.push({ block: e.blockNumber, logIndex: e.logIndex, tx: e.transactionHash, kind: "Retirement voided", what: <>{formatAmount(e.args.amount as bigint, qty)} of <AccountLink address={e.args.holder as Address} />'s {e.args.year} retirement for <AccountLink address={e.args.beneficiary as Address} /> voided: “{e.args.reason}”{e.args.proposalId !== 0n ? <> — decided by <a href={href("proposal", e.args.proposalId as bigint)}>proposal {String(e.args.proposalId).slice(0, 10)}…</a></> : " — outside a proposal"}</> });
      rows.sort((a, b) => (a.block === b.block ? a.logIndex - b.logIndex : Number(a.block - b.block)));
      const times = new Map<bigint, bigint>();
      await Promise.all([...new Set(rows.map((r) => r.block))].map(async (b) => times.set(b, (await client!.getBlock({ blockNumber: b })).timestamp)));
      return { record, issued, retiredTotal, revokedTotal, available, rows, times, evidence: iss[0]?.args.evidenceHash, qty };
    },
  });
  if (tokenId === undefined) return <p role="alert">"{id}" is not a token id.</p>;
  if (q.isLoading) return <Loading what="the token" />;
  if (q.error) return <Failed error={q.error} />;
  const d = q.data!;
  return (
    <>
      <h1>{TOKEN_TYPE_LABELS[d.record.tokenType]} {d.record.year}</h1>
      <dl>
        <dt>Token id</dt><dd className="mono">{hex32(tokenId)}</dd>
        <dt>Issuer</dt><dd><AccountLink address={d.record.issuer} /></dd>
        <dt>Issuee</dt><dd><AccountLink address={d.record.issuee} /></dd>
        <dt>Period</dt><dd>{formatDate(d.record.fromDate)} – {formatDate(d.record.thruDate)} (year {d.record.year})</dd>
        <dt>Evidence hash</dt><dd className="mono">{d.evidence}</dd>
        <dt>Metadata</dt><dd className="mono">{d.record.metadata}</dd>
        <dt>Issued</dt><dd>{formatAmount(d.issued, d.qty)}</dd>
        <dt>Held</dt><dd>{formatAmount(d.available, d.qty)}</dd>
        <dt>Retired</dt><dd>{formatAmount(d.retiredTotal, d.qty)}</dd>
        <dt>Revoked (voids included)</dt><dd>{formatAmount(d.revokedTotal, d.qty)}</dd>
      </dl>
      <h2>History</h2>
      <table aria-label="History">
        <thead><tr><th>When</th><th>Event</th><th>What</th><th>Transaction</th></tr></thead>
        <tbody>{d.rows.map((r) => <tr key={`${r.tx}-${r.logIndex}`}><td>{formatDateTime(d.times.get(r.block) ?? 0n)}</td><td>{r.kind}</td><td>{r.what}</td><td className="mono">{r.tx.slice(0, 12)}…</td></tr>)}</tbody>
      </table>
    </>
  );
}
