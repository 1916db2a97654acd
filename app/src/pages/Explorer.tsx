/** Every token, filtered by type, issuer, issuee and period (vintage year). */
import { useState } from "react";
import { formatAmount } from "@shared/units";
import { quantityOfType, TOKEN_TYPE_SHORT } from "@shared/format";
import { formatDate } from "@shared/units";
import { useIssuances } from "../data";
import { AccountLink, Failed, Loading, TokenLink } from "../ui";

export default function Explorer() {
  const issuances = useIssuances();
  const [type, setType] = useState("");
  const [issuer, setIssuer] = useState("");
  const [issuee, setIssuee] = useState("");
  const [year, setYear] = useState("");
  const yearOf = (from: number, thru: number) => new Date((from + Math.floor((thru - from) / 2)) * 1000).getUTCFullYear();
  const rows = (issuances.data ?? []).filter((i) =>
    (type === "" || String(i.tokenType) === type) &&
    (issuer.trim() === "" || i.issuer.toLowerCase().includes(issuer.trim().toLowerCase())) &&
    (issuee.trim() === "" || i.issuee.toLowerCase().includes(issuee.trim().toLowerCase())) &&
    (year.trim() === "" || String(yearOf(i.fromDate, i.thruDate)) === year.trim()));
  return (
    <>
      <h1>Ledger explorer</h1>
      <form className="inline" aria-label="Filter tokens" onSubmit={(e) => e.preventDefault()}>
        <label>Type<select value={type} onChange={(e) => setType(e.target.value)}><option value="">All</option><option value="1">RECs</option><option value="2">Offsets</option><option value="3">Audited emissions</option></select></label>
        <label>Issuer<input value={issuer} onChange={(e) => setIssuer(e.target.value)} placeholder="0x…" /></label>
        <label>Issuee<input value={issuee} onChange={(e) => setIssuee(e.target.value)} placeholder="0x…" /></label>
        <label>Year<input value={year} onChange={(e) => setYear(e.target.value)} placeholder="2023" inputMode="numeric" /></label>
      </form>
      {issuances.isLoading ? <Loading what="tokens" /> : issuances.error ? <Failed error={issuances.error} /> : (
        <table aria-label="Tokens">
          <thead><tr><th>Token</th><th>Type</th><th>Issued</th><th>Period</th><th>Issuer</th><th>Issuee</th></tr></thead>
          <tbody>{rows.map((i) => (
            <tr key={i.id.toString()}><td><TokenLink id={i.id} /></td><td>{TOKEN_TYPE_SHORT[i.tokenType]}</td><td>{formatAmount(i.amount, quantityOfType(i.tokenType))}</td>
              <td>{formatDate(i.fromDate)} – {formatDate(i.thruDate)}</td><td><AccountLink address={i.issuer} /></td><td><AccountLink address={i.issuee} /></td></tr>
          ))}</tbody>
        </table>
      )}
    </>
  );
}
