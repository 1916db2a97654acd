import { useQuery } from "@tanstack/react-query";
import type { Address } from "viem";
import { usePublicClient } from "wagmi";
import { useSuite } from "../chain";
import { AccountLink, Failed, href, Loading } from "../ui";

export default function Home() {
  const client = usePublicClient();
  const suite = useSuite();
  const participants = useQuery({
    queryKey: ["participants"],
    queryFn: async () => {
      const logs = await client!.getContractEvents({ ...suite.ledger, eventName: "ParticipantSet", fromBlock: suite.fromBlock });
      const state = new Map<Address, boolean>();
      for (const l of logs) state.set(l.args.account as Address, l.args.registered as boolean);
      return [...state].filter(([, on]) => on).map(([a]) => a);
    },
  });
  return (
    <>
      <h1>Net Emissions</h1>
      <p>One ledger of audited emissions, carbon offsets and renewable energy certificates, governed by a climate DAO.</p>
      <div className="cards">
        <div className="card"><h2>Companies</h2><p>Net position per year, tokens, transfers, retirements and claims.</p>
          {participants.isLoading && <Loading what="companies" />}
          {participants.error && <Failed error={participants.error} />}
          <ul>{participants.data?.map((a) => <li key={a}><a href={href("company", a)}>Company page of</a> <AccountLink address={a} /></li>)}</ul>
        </div>
        <div className="card"><h2>DAO</h2><p>Proposals, per-criterion votes, delegation, queue and execute.</p><a href="#/dao">Open the DAO</a></div>
        <div className="card"><h2>Ledger explorer</h2><p>Every token by type, issuer, holder and period, with its full history.</p><a href="#/explorer">Explore the ledger</a></div>
      </div>
    </>
  );
}
