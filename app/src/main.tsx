import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { WagmiProvider, createConfig, http } from "wagmi";
import { injected } from "wagmi/connectors";
import { chainOf, loadDeployment } from "./config";
import { DeploymentContext } from "./chain";
import { WalletProvider } from "./wallet";
import { App, preloadRoute } from "./App";
import "./style.css";
// The data layer every page uses (wagmi's public client, viem's actions, the transaction flow) travels in the entry
// chunk: split out, it was fetched only after the entry ran, a second round of requests before any page could read.
import "./data";
import "./tx";

const root = createRoot(document.getElementById("root") as HTMLElement);

// The deployment record and the current page's code in parallel; the first render then needs no Suspense fallback.
Promise.all([loadDeployment(), preloadRoute()]).then(
  ([deployment]) => {
    const chain = chainOf(deployment);
    const config = createConfig({ chains: [chain], connectors: [injected()], transports: { [chain.id]: http(undefined, { batch: true }) } });
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 2_000, retry: 1 } } });
    root.render(
      <StrictMode>
        <WagmiProvider config={config}>
          <QueryClientProvider client={queryClient}>
            <DeploymentContext.Provider value={{ deployment, chain }}>
              <WalletProvider>
                <App />
              </WalletProvider>
            </DeploymentContext.Provider>
          </QueryClientProvider>
        </WagmiProvider>
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(<main><h1>Net Emissions</h1><p role="alert">{String(error instanceof Error ? error.message : error)}</p></main>);
  },
);
