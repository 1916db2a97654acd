import { lazy, Suspense } from "react";
import { useDeployment } from "./chain";
import { Loading, useRoute } from "./ui";
import { WalletBar } from "./wallet";

const Home = lazy(() => import("./pages/Home"));
const Company = lazy(() => import("./pages/Company"));
const Certificate = lazy(() => import("./pages/Certificate"));
const Dao = lazy(() => import("./pages/Dao"));
const Proposal = lazy(() => import("./pages/Proposal"));
const Explorer = lazy(() => import("./pages/Explorer"));
const Token = lazy(() => import("./pages/Token"));
const Account = lazy(() => import("./pages/Account"));

function Page({ route }: { route: string[] }) {
  const [page, a = "", b = ""] = route;
  switch (page) {
    case "company": return <Company address={a} />;
    case "certificate": return <Certificate tx={a} logIndex={Number(b)} />;
    case "dao": return <Dao />;
    case "proposal": return <Proposal id={a} />;
    case "explorer": return <Explorer />;
    case "token": return <Token id={a} />;
    case "account": return <Account address={a} />;
    default: return <Home />;
  }
}

export function App() {
  const route = useRoute();
  const { deployment, chain } = useDeployment();
  return (
    <>
      <header className="noprint">
        <nav aria-label="Main">
          <a href="#/" className="brand">Net Emissions</a>
          <a href="#/dao">DAO</a>
          <a href="#/explorer">Ledger explorer</a>
        </nav>
        <span className="network">{chain.name} · {deployment.network}</span>
        <WalletBar />
      </header>
      <main>
        <Suspense fallback={<Loading what="page" />}>
          <Page route={route} />
        </Suspense>
      </main>
    </>
  );
}
