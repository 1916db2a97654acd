/** One proposal: description, decoded actions, per-criterion tallies, quorum, votes with reasons; act on it. */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import { keccak256, toHex } from "viem";
import { usePublicClient } from "wagmi";
import { CLAIM_KIND_NAMES, percent, VERDICT_NAMES } from "@shared/format";
import { formatAmount } from "@shared/units";
import { useChainTime, useHumanContext, useSuite, useDeployment } from "../chain";
import { decodeAction, useProposals } from "../data";
import { TxStatus, useTx } from "../tx";
import { AccountLink, Bar, Failed, Loading } from "../ui";
import { useWallet } from "../wallet";
import { timeLeft } from "./Dao";

const SUPPORT = ["Against", "For", "Abstain"] as const;
const w = (v: bigint) => `${(Number(v / 10n ** 15n) / 1000).toLocaleString("en-US")}`;

function VerdictFigures({ claimId }: { claimId: bigint }) {
  const client = usePublicClient();
  const suite = useSuite();
  const r = useQuery({ queryKey: ["claim", claimId.toString()], queryFn: () => client!.readContract({ ...suite.claims, functionName: "claimOf", args: [claimId] }) });
  if (r.isLoading) return <Loading what="the claim" />;
  if (r.error) return <Failed error={r.error} />;
  const c = r.data!;
  const t = (g: bigint) => formatAmount(g, "mass");
  const kind = Number(c.claim.kind);
  const f = Number(c.verdict.verdict) === 0 ? c.live : c.frozen;
  return (
    <section aria-labelledby="verdict-h">
      <h2 id="verdict-h">The claim and the ledger's figures</h2>
      <p>Claim #{claimId.toString()} by <AccountLink address={c.claim.account} />: {CLAIM_KIND_NAMES[kind]} for {c.claim.year}{kind === 2 ? ` (at most ${t(c.claim.value)})` : kind === 3 ? ` (${Number(c.claim.value) / 100}% below ${c.claim.baseYear})` : ""}. Verdict: {VERDICT_NAMES[Number(c.verdict.verdict)]}.</p>
      <table aria-label="Ledger figures for the claim">
        <thead><tr><th>Figures</th><th>Audited emissions</th><th>Retired offsets</th><th>Net position</th><th>Bear the claim out?</th></tr></thead>
        <tbody>
          <tr><td>{Number(c.verdict.verdict) === 0 ? "Live (no verdict yet)" : "Frozen at the verdict"}</td><td>{t(f.totals.emissions)}</td><td>{t(f.totals.offsetsRetired)}</td><td>{t(f.totals.netPosition)}</td><td><span className={`badge ${f.consistent ? "good" : "bad"}`}>{f.consistent ? "Yes" : "No"}</span></td></tr>
          {Number(c.verdict.verdict) !== 0 && <tr><td>Live</td><td>{t(c.live.totals.emissions)}</td><td>{t(c.live.totals.offsetsRetired)}</td><td>{t(c.live.totals.netPosition)}</td><td>{c.live.consistent ? "Yes" : "No"}{c.changedSinceVerdict ? " (changed since the verdict)" : ""}</td></tr>}
        </tbody>
      </table>
    </section>
  );
}

export default function Proposal({ id }: { id: string }) {
  const proposals = useProposals();
  const client = usePublicClient();
  const suite = useSuite();
  const { deployment } = useDeployment();
  const ctx = useHumanContext();
  const wallet = useWallet();
  const now = useChainTime();
  const tx = useTx();
  const pid = /^\d+$/.test(id) ? BigInt(id) : 0n;
  const p = proposals.data?.find((x) => x.id === pid);
  const details = useQuery({
    queryKey: ["proposal", id, p?.criteria.length],
    enabled: p !== undefined,
    queryFn: async () => {
      const g = suite.governor;
      const [snapshot, quorumVotes, plain, crit, v1, v2] = await Promise.all([
        client!.readContract({ ...g, functionName: "proposalSnapshot", args: [pid] }),
        client!.readContract({ ...g, functionName: "proposalQuorumVotes", args: [pid] }),
        client!.readContract({ ...g, functionName: "proposalVotes", args: [pid] }),
        Promise.all(p!.criteria.map((_, i) => client!.readContract({ ...g, functionName: "criterionVotes", args: [pid, BigInt(i)] }))),
        client!.getContractEvents({ ...g, eventName: "VoteCast", fromBlock: suite.fromBlock }),
        client!.getContractEvents({ ...g, eventName: "VoteCastWithParams", fromBlock: suite.fromBlock }),
      ]);
      let quorum: bigint | undefined;
      try {
        quorum = await client!.readContract({ ...g, functionName: "quorum", args: [snapshot] });
      } catch { /* snapshot still ahead */ }
      const votes = [...v1, ...v2].filter((e) => e.args.proposalId === pid).sort((a, b) => Number(a.blockNumber - b.blockNumber))
        .map((e) => ({ voter: e.args.voter as Address, support: Number(e.args.support), weight: e.args.weight as bigint, reason: e.args.reason ?? "", params: "params" in e.args ? (e.args.params as Hex) : "0x", tx: e.transactionHash }));
      return { quorum, quorumVotes, plain, crit, votes };
    },
  });
  const [choices, setChoices] = useState<Record<number, number>>({});
  const [reason, setReason] = useState("");
  if (proposals.isLoading) return <Loading what="the proposal" />;
  if (proposals.error) return <Failed error={proposals.error} />;
  if (p === undefined) return <p role="alert">No proposal {id} in this deployment.</p>;
  const actions = p.targets.map((t, i) => decodeAction(deployment, t, p.calldatas[i] as Hex, ctx));
  const verdict = actions.find((a) => a.contract === "ClaimsRegistry" && a.fn === "recordVerdict");
  const descriptionHash = keccak256(toHex(p.description));
  const opArgs = [p.targets, p.values, p.calldatas, descriptionHash] as const;
  const d = details.data;
  const voted = d?.votes.some((v) => v.voter.toLowerCase() === wallet.account?.toLowerCase());

  async function vote(e: React.FormEvent) {
    e.preventDefault();
    if (p!.criteria.length > 0) {
      const params = `0x${p!.criteria.map((_, i) => (choices[i] ?? 1).toString(16).padStart(2, "0")).join("")}` as Hex;
      await tx.run("Vote", { ...suite.governor, functionName: "castVoteWithReasonAndParams", args: [pid, 255, reason, params] });
    } else {
      await tx.run("Vote", { ...suite.governor, functionName: "castVoteWithReason", args: [pid, choices[0] ?? 1, reason] });
    }
  }
  const tallyRows = p.criteria.length > 0 ? p.criteria.map((c, i) => ({ name: c, t: d?.crit[i] })) : [{ name: "Proposal", t: d?.plain }];
  const maxTally = tallyRows.reduce((m, r) => (r.t === undefined ? m : [r.t[0], r.t[1], r.t[2]].reduce((a, b) => (b > a ? b : a), m)), 1n);
  return (
    <>
      <h1>{p.title}</h1>
      <p><span className="badge">{p.state}</span> {timeLeft(p, now)} · proposed by <AccountLink address={p.proposer} /> · id <span className="mono">{p.id.toString()}</span></p>
      <h2>Description</h2>
      <pre style={{ whiteSpace: "pre-wrap" }}>{p.description}</pre>
      <h2>Actions</h2>
      <ol>{actions.map((a, i) => (
        <li key={i}><strong>{a.contract ?? a.target}</strong>.<strong>{a.fn}</strong>
          <ul>{a.args.map((x) => <li key={x.name}><span className="mono">{x.name}</span>: {x.value}</li>)}</ul></li>
      ))}</ol>
      {verdict?.raw !== undefined && <VerdictFigures claimId={verdict.raw.args[0] as bigint} />}
      <h2>Tallies</h2>
      {d === undefined ? <Loading what="tallies" /> : (
        <>
          <table aria-label="Tallies">
            <thead><tr><th>{p.criteria.length > 0 ? "Criterion" : ""}</th><th>For</th><th>Against</th><th>Abstain</th></tr></thead>
            <tbody>{tallyRows.map((r) => (
              <tr key={r.name}><th scope="row">{r.name}</th>
                {[1, 0, 2].map((k) => <td key={k}><Bar label={`${r.name} ${SUPPORT[k]}`} value={Number(r.t?.[k] ?? 0n)} max={Number(maxTally)} text={`${w(r.t?.[k] ?? 0n)} ${SUPPORT[k].toLowerCase()}`} /></td>)}
              </tr>
            ))}</tbody>
          </table>
          <p>Quorum: {d.quorum === undefined ? "known when voting starts" : `${w(d.quorumVotes)} of ${w(d.quorum)} votes`}</p>
          {d.quorum !== undefined && <Bar label="Quorum progress" value={percent(d.quorumVotes, d.quorum)} max={100} text={`${percent(d.quorumVotes, d.quorum)}% of quorum`} />}
          <h2>Votes</h2>
          <table aria-label="Votes">
            <thead><tr><th>Voter</th><th>Weight</th><th>Vote</th><th>Reason</th></tr></thead>
            <tbody>{d.votes.map((v) => (
              <tr key={v.tx}><td><AccountLink address={v.voter} /></td><td>{w(v.weight)}</td>
                <td>{v.support === 255 ? p.criteria.map((c, i) => `${c}: ${SUPPORT[parseInt(v.params.slice(2 + 2 * i, 4 + 2 * i), 16)] ?? "?"}`).join("; ") : SUPPORT[v.support]}</td>
                <td>{v.reason}</td></tr>
            ))}</tbody>
          </table>
        </>
      )}
      {p.state === "Active" && (
        <form onSubmit={vote} aria-label="Vote">
          <h2>Vote</h2>
          {voted && <p className="warn">You have already voted on this proposal.</p>}
          {(p.criteria.length > 0 ? p.criteria : ["Proposal"]).map((c, i) => (
            <fieldset key={c} className="inline"><legend>{p.criteria.length > 0 ? `Criterion: ${c}` : "Your vote"}</legend>
              {[1, 0, 2].map((s) => (
                <label key={s}><input type="radio" name={`vote-${i}`} checked={(choices[i] ?? 1) === s} onChange={() => setChoices({ ...choices, [i]: s })} aria-label={`${c}: ${SUPPORT[s]}`} />{SUPPORT[s]}</label>
              ))}
            </fieldset>
          ))}
          <label>Reason<textarea value={reason} onChange={(e) => setReason(e.target.value)} rows={2} /></label>
          <button type="submit">Cast vote</button>
        </form>
      )}
      <div className="inline noprint" style={{ marginTop: "1rem" }}>
        {p.state === "Succeeded" && <button type="button" onClick={() => void tx.run("Queue", { ...suite.governor, functionName: "queue", args: opArgs })}>Queue</button>}
        {p.state === "Queued" && <button type="button" onClick={() => void tx.run("Execute", { ...suite.governor, functionName: "execute", args: opArgs })}>Execute</button>}
        {p.state === "Pending" && <button type="button" onClick={() => void tx.run("Cancel", { ...suite.governor, functionName: "cancel", args: opArgs })}>Cancel</button>}
      </div>
      <TxStatus state={tx.state} />
    </>
  );
}
