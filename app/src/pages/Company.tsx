/** A company: net position per year (chart), tokens held, transfer and retire forms with a preview, claims. */
import { useMemo, useState } from "react";
import type { Address, Hex } from "viem";
import { getAddress, isAddress, keccak256, parseEventLogs, toHex } from "viem";
import { useReadContract } from "wagmi";
import { afterRetirement, CLAIM_KIND_NAMES, hex32, quantityOfType, TOKEN_TYPE_SHORT, VERDICT_NAMES, formatDateTime } from "@shared/format";
import { attributedYear, formatAmount, formatDate, parseAmount, parseDate } from "@shared/units";
import { nameCommitment, randomSalt } from "@shared/commitment";
import { useQuery } from "@tanstack/react-query";
import { usePublicClient } from "wagmi";
import { useDeployment, useSuite } from "../chain";
import type { Figures, Holding } from "../data";
import { useHoldings, useIssuances, useRetirements, useYearTotals } from "../data";
import { TxStatus, useTx } from "../tx";
import { AccountLink, download, Failed, href, Loading, TokenLink } from "../ui";
import { useWallet } from "../wallet";

const t = (g: bigint) => formatAmount(g, "mass");

/** Grouped bars per year: audited emissions, retired offsets and the net position (g CO2e); RECs in the table. */
function NetChart({ rows }: { rows: ({ year: number } & Figures)[] }) {
  const W = 640, H = 240, pad = 40;
  const max = rows.reduce((m, r) => [r.emissions, r.offsetsRetired, r.netPosition < 0n ? -r.netPosition : r.netPosition].reduce((a, b) => (b > a ? b : a), m), 1n);
  const scale = (v: bigint) => (Number(v) / Number(max)) * (H / 2 - 20);
  const zero = H / 2 + 10;
  const group = (W - pad) / Math.max(rows.length, 1);
  const bw = Math.min(40, group / 4);
  const colors = { emissions: "#8a3b12", offsetsRetired: "#2f8f6f", netPosition: "#1b4f8a" };
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-title" style={{ width: "100%", maxWidth: W }}>
      <title id="chart-title">Net position per year: audited emissions, retired offsets and net position in t CO2e</title>
      <line x1={pad} x2={W} y1={zero} y2={zero} stroke="#555" />
      {rows.map((r, i) => {
        const x0 = pad + i * group + group / 2 - 1.5 * bw;
        return (
          <g key={r.year}>
            {(["emissions", "offsetsRetired", "netPosition"] as const).map((k, j) => {
              const h = scale(r[k]);
              return <rect key={k} x={x0 + j * bw} y={h >= 0 ? zero - h : zero} width={bw - 3} height={Math.abs(h)} fill={colors[k]}><title>{`${r.year} ${k}: ${t(r[k])}`}</title></rect>;
            })}
            <text x={x0 + 1.5 * bw} y={H - 4} textAnchor="middle" fontSize="13">{r.year}</text>
          </g>
        );
      })}
      {(["emissions", "offsetsRetired", "netPosition"] as const).map((k, j) => (
        <g key={k}><rect x={pad + j * 170} y={4} width={12} height={12} fill={colors[k]} /><text x={pad + j * 170 + 16} y={14} fontSize="12">{{ emissions: "audited emissions", offsetsRetired: "retired offsets", netPosition: "net position" }[k]}</text></g>
      ))}
    </svg>
  );
}

function TransferForm({ company, holdings }: { company: Address; holdings: Holding[] }) {
  const suite = useSuite();
  const tx = useTx();
  const [id, setId] = useState("");
  const [to, setTo] = useState("");
  const [amount, setAmount] = useState("");
  const [problem, setProblem] = useState<string>();
  const movable = holdings.filter((h) => h.record.tokenType !== 3);
  const chosen = movable.find((h) => hex32(h.record.id) === id) ?? movable[0];
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    tx.reset();
    if (chosen === undefined) return setProblem("No transferable token held");
    const q = quantityOfType(chosen.record.tokenType);
    const parsed = parseAmount(amount, q);
    if (!parsed.ok) return setProblem(parsed.error);
    if (!isAddress(to)) return setProblem(`recipient "${to}": expected a 0x address`);
    await tx.run("Transfer", { ...suite.ledger, functionName: "safeTransferFrom", args: [company, getAddress(to), chosen.record.id, parsed.value, "0x"] }, q);
  }
  return (
    <form onSubmit={submit} aria-label="Transfer tokens">
      <label>Token<select value={id} onChange={(e) => setId(e.target.value)}>
        {movable.map((h) => <option key={h.record.id.toString()} value={hex32(h.record.id)}>{TOKEN_TYPE_SHORT[h.record.tokenType]} {h.record.year} — {formatAmount(h.balance, quantityOfType(h.record.tokenType))} held</option>)}
      </select></label>
      <label>Recipient address<input value={to} onChange={(e) => setTo(e.target.value)} placeholder="0x…" /></label>
      <label>Amount to transfer<input value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="e.g. 12.5t or 4.2MWh" /></label>
      <button type="submit">Transfer</button>
      {problem !== undefined && <p role="alert" className="error">{problem}</p>}
      <TxStatus state={tx.state} />
    </form>
  );
}

function RetireForm({ company, holdings, totals }: { company: Address; holdings: Holding[]; totals: ({ year: number } & Figures)[] }) {
  const suite = useSuite();
  const { deployment } = useDeployment();
  const tx = useTx();
  const retirable = holdings.filter((h) => h.record.tokenType !== 3);
  const [id, setId] = useState("");
  const chosen = retirable.find((h) => hex32(h.record.id) === id) ?? retirable[0];
  const [amount, setAmount] = useState("");
  const [name, setName] = useState("");
  const [from, setFrom] = useState("");
  const [thru, setThru] = useState("");
  const [reason, setReason] = useState("");
  const [problem, setProblem] = useState<string>();
  const [receipt, setReceipt] = useState<{ tx: Hex; logIndex: number; salt: string; name: string; commitment: string }>();
  const q = chosen === undefined ? "mass" : quantityOfType(chosen.record.tokenType);
  const fromText = from !== "" ? from : chosen !== undefined ? formatDate(chosen.record.fromDate) : "";
  const thruText = thru !== "" ? thru : chosen !== undefined ? formatDate(chosen.record.thruDate) : "";
  const parsedAmount = parseAmount(amount, q);
  const pf = parseDate(fromText, "claimed period start");
  const pt = parseDate(thruText, "claimed period end", true);
  const year = pf.ok && pt.ok ? attributedYear(pf.value, pt.value) : undefined;
  const before = totals.find((r) => r.year === year) ?? { emissions: 0n, offsetsRetired: 0n, recsRetired: 0n, netPosition: 0n };
  const after = chosen !== undefined && parsedAmount.ok ? afterRetirement(before, chosen.record.tokenType, parsedAmount.value) : undefined;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    tx.reset();
    if (chosen === undefined) return setProblem("No retirable token held");
    if (!parsedAmount.ok) return setProblem(parsedAmount.error);
    if (!pf.ok) return setProblem(pf.error);
    if (!pt.ok) return setProblem(pt.error);
    if (name.trim() === "") return setProblem("beneficiary name: needed for the commitment (it stays off chain)");
    if (reason.trim() === "") return setProblem("reason: say what the retirement is for");
    const salt = randomSalt();
    const commitment = nameCommitment(name.trim(), salt);
    const r = await tx.run("Retire", {
      ...suite.ledger, functionName: "retire",
      args: [company, chosen.record.id, parsedAmount.value, { beneficiary: company, beneficiaryNameCommitment: commitment as Hex, fromDate: pf.value, thruDate: pt.value, reason: reason.trim() }],
    }, q);
    if (r === undefined) return;
    const log = parseEventLogs({ abi: suite.ledger.abi, logs: r.logs, eventName: "Retired" })[0];
    const logIndex = log?.logIndex ?? 0;
    const saved = { tx: r.transactionHash, logIndex, salt, name: name.trim(), commitment };
    setReceipt(saved);
    download(`retirement-salt-${r.transactionHash.slice(0, 10)}.json`, JSON.stringify({ ...saved, chainId: deployment.chainId, note: "Keep this file: the name and salt prove the beneficiary of the retirement certificate." }, null, 2));
  }
  return (
    <form onSubmit={submit} aria-label="Retire tokens">
      <label>Token to retire<select value={id} onChange={(e) => setId(e.target.value)}>
        {retirable.map((h) => <option key={h.record.id.toString()} value={hex32(h.record.id)}>{TOKEN_TYPE_SHORT[h.record.tokenType]} {h.record.year} — {formatAmount(h.balance, quantityOfType(h.record.tokenType))} held</option>)}
      </select></label>
      <label>Amount to retire<input value={amount} onChange={(e) => setAmount(e.target.value)} placeholder={q === "mass" ? "e.g. 100t" : "e.g. 50MWh"} /></label>
      <label>Beneficiary name (kept off chain; only its commitment is stored)<input value={name} onChange={(e) => setName(e.target.value)} /></label>
      <div className="inline">
        <label>Claimed period from (YYYY-MM-DD)<input value={fromText} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>Claimed period to (YYYY-MM-DD)<input value={thruText} onChange={(e) => setThru(e.target.value)} /></label>
      </div>
      <label>Reason<input value={reason} onChange={(e) => setReason(e.target.value)} /></label>
      {after !== undefined && year !== undefined && (
        <p className="warn" aria-live="polite">Preview for {year}: net position {t(before.netPosition)} → {t(after.netPosition)}
          {chosen?.record.tokenType === 1 ? ` (RECs retired ${formatAmount(before.recsRetired, "energy")} → ${formatAmount(after.recsRetired, "energy")}; RECs do not change the net position)` : ""}</p>
      )}
      <button type="submit">Retire</button>
      {problem !== undefined && <p role="alert" className="error">{problem}</p>}
      <TxStatus state={tx.state} />
      {receipt !== undefined && (
        <p className="ok">Retired. Your salt was saved as a downloaded file (it never leaves this browser otherwise).{" "}
          <a href={href("certificate", receipt.tx, receipt.logIndex)}>Open the retirement certificate</a>{" "}
          <button type="button" onClick={() => download(`retirement-salt-${receipt.tx.slice(0, 10)}.json`, JSON.stringify(receipt, null, 2))}>Download the salt again</button></p>
      )}
    </form>
  );
}

function Claims({ company }: { company: Address }) {
  const client = usePublicClient();
  const suite = useSuite();
  const claims = useQuery({
    queryKey: ["claims", company],
    queryFn: async () => {
      const logs = await client!.getContractEvents({ ...suite.claims, eventName: "ClaimSubmitted", args: { account: company }, fromBlock: suite.fromBlock });
      return Promise.all(logs.map(async (l) => ({ id: l.args.claimId as bigint, report: await client!.readContract({ ...suite.claims, functionName: "claimOf", args: [l.args.claimId as bigint] }) })));
    },
  });
  if (claims.isLoading) return <Loading what="claims" />;
  if (claims.error) return <Failed error={claims.error} />;
  if ((claims.data ?? []).length === 0) return <p>No claims yet.</p>;
  const figs = (f: { totals: Figures; consistent: boolean }) => `emissions ${t(f.totals.emissions)}, offsets retired ${t(f.totals.offsetsRetired)}, net ${t(f.totals.netPosition)} — ${f.consistent ? "bears the claim out" : "does not bear it out"}`;
  return (
    <table>
      <thead><tr><th>Claim</th><th>Year</th><th>What</th><th>Verdict</th><th>Frozen figures (at the verdict)</th><th>Live figures</th></tr></thead>
      <tbody>{claims.data!.map(({ id, report }) => {
        const v = Number(report.verdict.verdict);
        const kind = Number(report.claim.kind);
        const value = kind === 2 ? t(report.claim.value) : kind === 3 ? `${Number(report.claim.value) / 100}% below ${report.claim.baseYear}` : "";
        return (
          <tr key={id.toString()}>
            <td>#{id.toString()}</td><td>{report.claim.year}</td><td>{CLAIM_KIND_NAMES[kind]} {value}</td>
            <td><span className={`badge ${v === 1 ? "good" : v === 2 ? "bad" : ""}`}>{VERDICT_NAMES[v]}</span>
              {v !== 0 && <> by <a href={href("proposal", report.verdict.proposalId)}>proposal</a> on {formatDateTime(report.verdict.decidedAt)}</>}</td>
            <td>{v === 0 ? "— (no verdict yet)" : figs(report.frozen)}</td>
            <td>{figs(report.live)}{report.changedSinceVerdict && <> <span className="badge bad">changed since the verdict</span></>}</td>
          </tr>
        );
      })}</tbody>
    </table>
  );
}

function ClaimForm() {
  const suite = useSuite();
  const tx = useTx();
  const [year, setYear] = useState(String(new Date().getUTCFullYear() - 1));
  const [kind, setKind] = useState("1");
  const [value, setValue] = useState("");
  const [baseYear, setBaseYear] = useState("");
  const [evidence, setEvidence] = useState("");
  const [uri, setUri] = useState("");
  const [problem, setProblem] = useState<string>();
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    let v = 0n;
    if (kind === "2") {
      const p = parseAmount(value, "mass", "ceiling");
      if (!p.ok) return setProblem(p.error);
      v = p.value;
    } else if (kind === "3") {
      const pct = Number(value.replace("%", ""));
      if (!(pct > 0 && pct <= 100)) return setProblem(`reduction "${value}": expected a percentage, e.g. 20%`);
      v = BigInt(Math.round(pct * 100));
    }
    if (evidence.trim() === "") return setProblem("evidence: describe or paste the report (its hash is stored)");
    await tx.run("Submit claim", {
      ...suite.claims, functionName: "submitClaim",
      args: [{ year: Number(year), kind: Number(kind), value: v, baseYear: kind === "3" ? Number(baseYear) : 0, evidenceHash: keccak256(toHex(evidence.trim())), uri }],
    }, "mass");
  }
  return (
    <form onSubmit={submit} aria-label="Submit a claim">
      <div className="inline">
        <label>Reporting year<input value={year} onChange={(e) => setYear(e.target.value)} inputMode="numeric" /></label>
        <label>Claim<select value={kind} onChange={(e) => setKind(e.target.value)}><option value="1">Net zero</option><option value="2">Emissions at most</option><option value="3">Reduction</option></select></label>
      </div>
      {kind !== "1" && <label>{kind === "2" ? "Ceiling (e.g. 1000t)" : "Reduction in percent"}<input value={value} onChange={(e) => setValue(e.target.value)} /></label>}
      {kind === "3" && <label>Base year<input value={baseYear} onChange={(e) => setBaseYear(e.target.value)} /></label>}
      <label>Evidence (text whose hash is stored)<input value={evidence} onChange={(e) => setEvidence(e.target.value)} /></label>
      <label>Published at (URI)<input value={uri} onChange={(e) => setUri(e.target.value)} /></label>
      <button type="submit">Submit claim</button>
      {problem !== undefined && <p role="alert" className="error">{problem}</p>}
      <TxStatus state={tx.state} />
    </form>
  );
}

export default function Company({ address }: { address: string }) {
  const valid = isAddress(address);
  const company = valid ? getAddress(address) : undefined;
  const wallet = useWallet();
  const suite = useSuite();
  const totals = useYearTotals(company);
  const holdings = useHoldings(company);
  const retirements = useRetirements({ beneficiary: company });
  const issuances = useIssuances();
  const typeOf = (id: bigint) => issuances.data?.find((i) => i.id === id)?.tokenType ?? 2;
  const registered = useReadContract({ ...suite.ledger, functionName: "isParticipant", args: [company ?? "0x0000000000000000000000000000000000000000"], query: { enabled: valid } });
  const limited = useReadContract({ ...suite.ledger, functionName: "limitedMode" });
  const rows = useMemo(() => totals.data ?? [], [totals.data]);
  if (company === undefined) return <p role="alert">"{address}" is not an address.</p>;
  const acting = wallet.account?.toLowerCase() === company.toLowerCase();
  return (
    <>
      <h1>Company <AccountLink address={company} /></h1>
      {registered.data === false && limited.data === true && <p className="warn">Not a registered participant: in limited mode it cannot receive, move or claim tokens (missing role: registrar must register it).</p>}
      <h2>Net position per year</h2>
      {totals.isLoading ? <Loading what="year totals" /> : totals.error ? <Failed error={totals.error} /> : rows.length === 0 ? <p>No audited emissions or retirements yet.</p> : (
        <>
          <NetChart rows={rows} />
          <table aria-label="Year totals">
            <thead><tr><th>Year</th><th>Audited emissions</th><th>Retired offsets</th><th>Retired RECs</th><th>Net position</th></tr></thead>
            <tbody>{rows.map((r) => <tr key={r.year}><td>{r.year}</td><td>{t(r.emissions)}</td><td>{t(r.offsetsRetired)}</td><td>{formatAmount(r.recsRetired, "energy")}</td><td>{t(r.netPosition)}</td></tr>)}</tbody>
          </table>
        </>
      )}
      <h2>Tokens held</h2>
      {holdings.isLoading ? <Loading what="tokens" /> : holdings.error ? <Failed error={holdings.error} /> : (
        <table aria-label="Tokens held">
          <thead><tr><th>Token</th><th>Type</th><th>Vintage / year</th><th>Period</th><th>Balance</th></tr></thead>
          <tbody>{holdings.data!.map((h) => <tr key={h.record.id.toString()}><td><TokenLink id={h.record.id} /></td><td>{TOKEN_TYPE_SHORT[h.record.tokenType]}</td><td>{h.record.year}</td><td>{formatDate(h.record.fromDate)} – {formatDate(h.record.thruDate)}</td><td>{formatAmount(h.balance, quantityOfType(h.record.tokenType))}</td></tr>)}</tbody>
        </table>
      )}
      <h2>Retirements for this company</h2>
      <ul>{retirements.data?.map((r) => <li key={`${r.tx}-${r.logIndex}`}><a href={href("certificate", r.tx, r.logIndex)}>Certificate</a>: {formatAmount(r.amount as bigint, quantityOfType(typeOf(r.id as bigint)))} of <TokenLink id={r.id as bigint} /> — {r.reason}</li>)}</ul>
      <h2>Act for this company</h2>
      {!acting ? <p className="warn">To transfer, retire or claim, choose this company's account (development) or connect its wallet. Viewing as {wallet.account ?? "nobody"}.</p> : holdings.data !== undefined && (
        <div className="grid2">
          <section aria-labelledby="transfer-h"><h3 id="transfer-h">Transfer</h3><TransferForm company={company} holdings={holdings.data} /></section>
          <section aria-labelledby="retire-h"><h3 id="retire-h">Retire</h3><RetireForm company={company} holdings={holdings.data} totals={rows} /></section>
        </div>
      )}
      <h2>Claims</h2>
      <Claims company={company} />
      {acting && <><h3>Submit a claim</h3><ClaimForm /></>}
    </>
  );
}
