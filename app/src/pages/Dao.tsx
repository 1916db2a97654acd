/** The DAO: proposals with state and time left; your voting power and delegation. */
import { useState } from "react";
import { getAddress, isAddress } from "viem";
import { useReadContract } from "wagmi";
import { formatDuration } from "@shared/format";
import { useChainTime, useSuite } from "../chain";
import type { ProposalSummary } from "../data";
import { useProposals } from "../data";
import { TxStatus, useTx } from "../tx";
import { AccountLink, Failed, href, Loading } from "../ui";
import { useWallet } from "../wallet";

const votes = (v: bigint | undefined) => (v === undefined ? "…" : `${(Number(v / 10n ** 15n) / 1000).toLocaleString("en-US")} votes`);

export function timeLeft(p: ProposalSummary, now: number | undefined): string {
  if (now === undefined) return "";
  if (p.state === "Pending") return `voting starts in ${formatDuration(p.voteStart - now)}`;
  if (p.state === "Active") return `${formatDuration(p.voteEnd - now)} left to vote`;
  if (p.state === "Queued") return p.eta > now ? `executable in ${formatDuration(p.eta - now)}` : "ready to execute";
  if (p.state === "Succeeded") return "ready to queue";
  return "";
}

function Delegation() {
  const wallet = useWallet();
  const suite = useSuite();
  const tx = useTx();
  const account = wallet.account ?? "0x0000000000000000000000000000000000000000";
  const enabled = wallet.account !== undefined;
  const balance = useReadContract({ ...suite.token, functionName: "balanceOf", args: [account], query: { enabled } });
  const power = useReadContract({ ...suite.token, functionName: "getVotes", args: [account], query: { enabled } });
  const delegate = useReadContract({ ...suite.token, functionName: "delegates", args: [account], query: { enabled } });
  const [to, setTo] = useState("");
  const [problem, setProblem] = useState<string>();
  if (!enabled) return <p>Choose an account to see your voting power and delegate.</p>;
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setProblem(undefined);
    const target = to.trim() === "" ? wallet.account : to.trim();
    if (target === undefined || !isAddress(target)) return setProblem(`delegate "${to}": expected a 0x address (empty: yourself)`);
    await tx.run("Delegate", { ...suite.token, functionName: "delegate", args: [getAddress(target)] });
  }
  const none = delegate.data === "0x0000000000000000000000000000000000000000";
  return (
    <>
      <p>Tokens {votes(balance.data)}; voting power {votes(power.data)}; delegated to {delegate.data === undefined ? "…" : none ? "nobody (votes inactive until you delegate, e.g. to yourself)" : <AccountLink address={delegate.data} />}.</p>
      {power.data === 0n && <p className="warn">No voting power: you cannot vote until tokens are delegated to you (missing role).</p>}
      <form onSubmit={submit} aria-label="Delegate votes">
        <label>Delegate to (empty: yourself)<input value={to} onChange={(e) => setTo(e.target.value)} placeholder="0x…" /></label>
        <button type="submit">Delegate</button>
        {problem !== undefined && <p role="alert" className="error">{problem}</p>}
        <TxStatus state={tx.state} />
      </form>
    </>
  );
}

export default function Dao() {
  const proposals = useProposals();
  const now = useChainTime();
  return (
    <>
      <h1>Climate DAO</h1>
      <h2>Proposals</h2>
      {proposals.isLoading ? <Loading what="proposals" /> : proposals.error ? <Failed error={proposals.error} /> : (
        <table aria-label="Proposals">
          <thead><tr><th>Proposal</th><th>Kind</th><th>State</th><th>Time</th><th>Proposer</th></tr></thead>
          <tbody>{proposals.data!.map((p) => (
            <tr key={p.id.toString()}>
              <td><a href={href("proposal", p.id)}>{p.title}</a></td>
              <td>{p.criteria.length > 0 ? `${p.criteria.length} criteria` : "plain"}</td>
              <td><span className="badge">{p.state}</span></td>
              <td>{timeLeft(p, now)}</td>
              <td><AccountLink address={p.proposer} /></td>
            </tr>
          ))}</tbody>
        </table>
      )}
      <h2>Your votes</h2>
      <Delegation />
    </>
  );
}
