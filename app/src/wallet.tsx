/**
 * Who signs: any injected EIP-1193 wallet (through wagmi), or on a development chain one of the node's default
 * accounts (Hardhat's mnemonic), signed in the page with a local viem account: no wallet extension needed.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import type { Account, Address, WalletClient } from "viem";
import { createWalletClient, http } from "viem";
import { useAccount, useConnect, useDisconnect, useSwitchChain, useWalletClient } from "wagmi";
import { useDeployment } from "./chain";
import { isDevChain } from "./config";

export const DEV_MNEMONIC = "test test test test test test test test test test test junk";
export const DEV_ACCOUNTS = 20;

interface Wallet {
  account?: Address;
  client?: WalletClient;
  kind: "none" | "dev" | "injected";
  wrongNetwork: boolean;
  chooseDev(index: number | undefined): void;
  devIndex?: number;
  devAddresses: Address[];
}

const WalletContext = createContext<Wallet | null>(null);
export function useWallet(): Wallet {
  const w = useContext(WalletContext);
  if (w === null) throw new Error("no wallet provider");
  return w;
}

const STORE = "nes.devAccount";

export function WalletProvider({ children }: { children: ReactNode }) {
  const { deployment, chain } = useDeployment();
  const dev = isDevChain(deployment);
  const [devIndex, setDevIndex] = useState<number | undefined>(() => {
    const v = window.localStorage.getItem(STORE);
    return dev && v !== null && v !== "" ? Number(v) : undefined;
  });
  const [devAccounts, setDevAccounts] = useState<Account[]>([]);
  useEffect(() => {
    if (!dev) return;
    // One PBKDF2 for the seed, then 20 cheap derivations; after the first render so pages are not held up.
    const timer = setTimeout(() => {
      void Promise.all([import("viem/accounts"), import("@scure/bip39")]).then(([{ HDKey, hdKeyToAccount }, { mnemonicToSeedSync }]) => {
        const root = HDKey.fromMasterSeed(mnemonicToSeedSync(DEV_MNEMONIC));
        setDevAccounts(Array.from({ length: DEV_ACCOUNTS }, (_, i) => hdKeyToAccount(root, { addressIndex: i })));
      });
    }, 0);
    return () => clearTimeout(timer);
  }, [dev]);
  const injected = useAccount();
  const { data: injectedClient } = useWalletClient();
  const chooseDev = useCallback((index: number | undefined) => {
    setDevIndex(index);
    if (index === undefined) window.localStorage.removeItem(STORE);
    else window.localStorage.setItem(STORE, String(index));
  }, []);
  const value = useMemo<Wallet>(() => {
    const devAddresses = devAccounts.map((a) => a.address);
    if (devIndex !== undefined && devAccounts[devIndex] !== undefined) {
      const account = devAccounts[devIndex];
      const client = createWalletClient({ account, chain, transport: http() });
      return { account: account.address, client, kind: "dev", wrongNetwork: false, chooseDev, devIndex, devAddresses };
    }
    if (injected.isConnected && injected.address !== undefined) {
      const wallet: Wallet = { account: injected.address, kind: "injected", wrongNetwork: injected.chainId !== chain.id, chooseDev, devAddresses };
      if (injectedClient !== undefined) wallet.client = injectedClient;
      return wallet;
    }
    return { kind: "none", wrongNetwork: false, chooseDev, devAddresses };
  }, [devAccounts, devIndex, injected.isConnected, injected.address, injected.chainId, injectedClient, chain, chooseDev]);
  return <WalletContext.Provider value={value}>{children}</WalletContext.Provider>;
}

/** The header's wallet controls: account picker on a dev chain, connect an injected wallet, wrong network. */
export function WalletBar() {
  const { deployment, chain } = useDeployment();
  const wallet = useWallet();
  const { connect, connectors } = useConnect();
  const { disconnect } = useDisconnect();
  const { switchChain } = useSwitchChain();
  const labels = deployment.labels ?? {};
  const label = (a: string) => labels[a] ?? labels[a.toLowerCase()];
  return (
    <div className="wallet">
      {isDevChain(deployment) && (
        <label>
          Development account{" "}
          <select
            value={wallet.devIndex ?? ""}
            onChange={(e) => wallet.chooseDev(e.target.value === "" ? undefined : Number(e.target.value))}
          >
            <option value="">— none —</option>
            {wallet.devAddresses.map((a, i) => (
              <option key={a} value={i}>
                #{i} {label(a) ?? ""} {a.slice(0, 8)}…
              </option>
            ))}
          </select>
        </label>
      )}
      {wallet.kind !== "dev" && (wallet.kind === "injected"
        ? <button type="button" onClick={() => disconnect()}>Disconnect {wallet.account?.slice(0, 8)}…</button>
        : connectors.map((c) => (
          <button key={c.uid} type="button" onClick={() => connect({ connector: c, chainId: chain.id })}>Connect {c.name}</button>
        )))}
      {wallet.wrongNetwork && (
        <p role="alert" className="warn">
          Wrong network: this deployment is on {chain.name} (chain {chain.id}).{" "}
          <button type="button" onClick={() => switchChain({ chainId: chain.id })}>Switch to {chain.name}</button>
        </p>
      )}
    </div>
  );
}
