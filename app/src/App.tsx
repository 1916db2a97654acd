import { lazy, Suspense, useEffect } from "react";
import type { ComponentType } from "react";
import { useDeployment } from "./chain";
import { Loading, useRoute } from "./ui";
import { WalletBar } from "./wallet";

/** Each page's code, loaded on first use; the current route's is requested at startup (preloadRoute). */
const PAGES = {
  home: () => import("./pages/Home"),
  company: () => import("./pages/Company"),
  certificate: () => import("./pages/Certificate"),
  dao: () => import("./pages/Dao"),
  proposal: () => import("./pages/Proposal"),
  explorer: () => import("./pages/Explorer"),
  token: () => import("./pages/Token"),
  account: () => import("./pages/Account"),
};

type PageName = keyof typeof PAGES;
const pageOf = (first: string | undefined): PageName => (first !== undefined && first in PAGES ? first as PageName : "home");
/** Pages whose code has arrived: rendered directly, without a Suspense fallback (React holds a revealed fallback ~300 ms). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loaded: Partial<Record<PageName, ComponentType<any>>> = {};
async function load(name: PageName): Promise<void> {
  loaded[name] ??= (await PAGES[name]()).default;
}

/** Loads the code of the page in the URL (main.tsx waits for it together with the deployment record). */
export async function preloadRoute(): Promise<void> {
  await load(pageOf(window.location.hash.replace(/^#\/?/, "").split("/")[0])).catch(() => undefined);
}

/** After the first page is shown, the other pages' code, so that following a link renders at once. */
function preloadAll(): void {
  for (const name of Object.keys(PAGES) as PageName[]) void load(name).catch(() => undefined);
}

const LAZY = {
  home: lazy(PAGES.home), company: lazy(PAGES.company), certificate: lazy(PAGES.certificate), dao: lazy(PAGES.dao),
  proposal: lazy(PAGES.proposal), explorer: lazy(PAGES.explorer), token: lazy(PAGES.token), account: lazy(PAGES.account),
};

function Page({ route }: { route: string[] }) {
  const [first, a = "", b = ""] = route;
  const name = pageOf(first);
  const C = loaded[name] ?? LAZY[name];
  switch (name) {
    case "company": return <C address={a} />;
    case "certificate": return <C tx={a} logIndex={Number(b)} />;
    case "proposal": return <C id={a} />;
    case "token": return <C id={a} />;
    case "account": return <C address={a} />;
    default: return <C />;
  }
}

export function App() {
  const route = useRoute();
  const { deployment, chain } = useDeployment();
  useEffect(() => {
    const timer = setTimeout(preloadAll, 1_500);
    return () => clearTimeout(timer);
  }, []);
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
