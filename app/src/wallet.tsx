/**
 * Who signs: any injected EIP-1193 wallet (through wagmi), or on a development chain one of the node's default
 * accounts (Hardhat's mnemonic), signed in the page with a local viem account: no wallet extension needed.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";
import type { Account, Address, WalletClient } from "viem";
import { createWalletClient, getAddress, http } from "viem";
import { useQuery } from "@tanstack/react-query";
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
  devProblem?: string;
  /** The signer, waiting for a development account's key if it is still being derived. */
  signer(): Promise<WalletClient | undefined>;
}

let devRoot: Promise<import("viem/accounts").HDKey> | undefined;
const derived = new Map<number, Promise<Account>>();
/** Hardhat's default account `index`, signed in the page (one PBKDF2 of the mnemonic per page load). */
function deriveDevAccount(index: number): Promise<Account> {
  let account = derived.get(index);
  if (account === undefined) {
    account = (async () => {
      const [{ HDKey, hdKeyToAccount }, { mnemonicToSeedSync }] = await Promise.all([import("viem/accounts"), import("@scure/bip39")]);
      devRoot ??= Promise.resolve(HDKey.fromMasterSeed(mnemonicToSeedSync(DEV_MNEMONIC)));
      return hdKeyToAccount(await devRoot, { addressIndex: index });
    })();
    derived.set(index, account);
  }
  return account;
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
  // The node's accounts for the picker: one eth_accounts, sent once the page's own reads are under way. A key is
  // derived only for the account chosen (PBKDF2 of the mnemonic and secp256k1 cost ~300 ms for all 20 here).
  const [listAccounts, setListAccounts] = useState(false);
  useEffect(() => {
    if (!dev) return;
    const timer = setTimeout(() => setListAccounts(true), 300);
    return () => clearTimeout(timer);
  }, [dev]);
  const rpcUrl = chain.rpcUrls.default.http[0];
  const nodeAccounts = useQuery({
    queryKey: ["devAddresses"], enabled: listAccounts && rpcUrl !== undefined, staleTime: Infinity,
    queryFn: async () => {
      const res = await fetch(rpcUrl as string, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_accounts", params: [] }) });
      const body = (await res.json()) as { result?: string[] };
      return (body.result ?? []).slice(0, DEV_ACCOUNTS).map((a) => getAddress(a));
    },
  });
  const [devAccount, setDevAccount] = useState<{ index: number; account: Account }>();
  useEffect(() => {
    if (!dev || devIndex === undefined || devAccount?.index === devIndex) return;
    let live = true;
    const derive = () => void deriveDevAccount(devIndex).then((account) => {
      if (live) setDevAccount({ index: devIndex, account });
    });
    // A choice remembered from an earlier visit waits until the page's first reads are sent; a fresh choice is immediate.
    const timer = devAccount === undefined ? setTimeout(derive, 150) : (derive(), undefined);
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [dev, devIndex, devAccount]);
  const listed = devIndex === undefined ? undefined : nodeAccounts.data?.[devIndex];
  const devProblem = devAccount !== undefined && listed !== undefined && listed !== devAccount.account.address
    ? `the node's account #${devAccount.index} (${listed}) is not Hardhat's default account ${devAccount.account.address}: sign with an injected wallet` : undefined;
  const injected = useAccount();
  const { data: injectedClient } = useWalletClient();
  const chooseDev = useCallback((index: number | undefined) => {
    setDevIndex(index);
    if (index === undefined) window.localStorage.removeItem(STORE);
    else window.localStorage.setItem(STORE, String(index));
  }, []);
  const value = useMemo<Wallet>(() => {
    const devAddresses = nodeAccounts.data ?? [];
    if (devIndex !== undefined && devAccount !== undefined && devAccount.index === devIndex) {
      const account = devAccount.account;
      const client = createWalletClient({ account, chain, transport: http() });
      const wallet: Wallet = { account: account.address, client, kind: "dev", wrongNetwork: false, chooseDev, devIndex, devAddresses, signer: async () => client };
      if (devProblem !== undefined) wallet.devProblem = devProblem;
      return wallet;
    }
    if (injected.isConnected && injected.address !== undefined) {
      const wallet: Wallet = { account: injected.address, kind: "injected", wrongNetwork: injected.chainId !== chain.id, chooseDev, devAddresses, signer: async () => injectedClient };
      if (injectedClient !== undefined) wallet.client = injectedClient;
      return wallet;
    }
    const none: Wallet = { kind: "none", wrongNetwork: false, chooseDev, devAddresses, signer: async () => undefined };
    if (devIndex !== undefined) {
      // Chosen, key not derived yet: the address is known (node's list) and a transaction waits for the key.
      none.devIndex = devIndex;
      const index = devIndex;
      none.signer = async () => createWalletClient({ account: await deriveDevAccount(index), chain, transport: http() });
      const listed = nodeAccounts.data?.[devIndex];
      if (listed !== undefined) {
        none.account = listed;
        none.kind = "dev";
      }
    }
    return none;
  }, [nodeAccounts.data, devAccount, devProblem, devIndex, injected.isConnected, injected.address, injected.chainId, injectedClient, chain, chooseDev]);
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
      {wallet.devProblem !== undefined && <p role="alert" className="warn">{wallet.devProblem}</p>}
      {wallet.wrongNetwork && (
        <p role="alert" className="warn">
          Wrong network: this deployment is on {chain.name} (chain {chain.id}).{" "}
          <button type="button" onClick={() => switchChain({ chainId: chain.id })}>Switch to {chain.name}</button>
        </p>
      )}
    </div>
  );
}
