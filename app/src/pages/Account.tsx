/** An account: what it holds, what it retired, and a link to its company page. */
import { getAddress, isAddress } from "viem";
import { quantityOfType, TOKEN_TYPE_SHORT } from "@shared/format";
import { formatAmount } from "@shared/units";
import { useHoldings, useRetirements } from "../data";
import { Failed, href, Loading, TokenLink } from "../ui";

export default function Account({ address }: { address: string }) {
  const valid = isAddress(address);
  const account = valid ? getAddress(address) : undefined;
  const holdings = useHoldings(account);
  const retirements = useRetirements({ holder: account });
  if (account === undefined) return <p role="alert">"{address}" is not an address.</p>;
  return (
    <>
      <h1>Account <span className="mono">{account}</span></h1>
      <p><a href={href("company", account)}>Company view (net position, claims)</a></p>
      <h2>Holdings</h2>
      {holdings.isLoading ? <Loading what="holdings" /> : holdings.error ? <Failed error={holdings.error} /> : (
        <table aria-label="Holdings"><thead><tr><th>Token</th><th>Type</th><th>Year</th><th>Balance</th></tr></thead>
          <tbody>{holdings.data!.map((h) => <tr key={h.record.id.toString()}><td><TokenLink id={h.record.id} /></td><td>{TOKEN_TYPE_SHORT[h.record.tokenType]}</td><td>{h.record.year}</td><td>{formatAmount(h.balance, quantityOfType(h.record.tokenType))}</td></tr>)}</tbody></table>
      )}
      <h2>Retirements by this account</h2>
      <ul>{retirements.data?.map((r) => <li key={`${r.tx}-${r.logIndex}`}><a href={href("certificate", r.tx, r.logIndex)}>Certificate</a> <TokenLink id={r.id as bigint} />: “{r.reason}”</li>)}</ul>
    </>
  );
}
