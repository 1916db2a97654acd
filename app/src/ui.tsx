/** Small shared pieces: hash router, links to the pages of accounts, tokens and proposals. */
import { useEffect, useState } from "react";
import type { ReactNode } from "react";
import { hex32 } from "@shared/format";
import { useDeployment } from "./chain";

/** The route: the part of the URL after `#`, split on `/` ("#/token/0x.." -> ["token", "0x.."]). */
export function useRoute(): string[] {
  const read = () => window.location.hash.replace(/^#\/?/, "").split("/").filter((s) => s !== "").map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = () => {
      setRoute(read());
      window.scrollTo(0, 0);
    };
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return route;
}

export const href = (...parts: (string | number | bigint)[]) => `#/${parts.map((p) => encodeURIComponent(String(p))).join("/")}`;

export function AccountLink({ address }: { address: string }) {
  const { deployment } = useDeployment();
  const label = deployment.labels?.[address] ?? deployment.labels?.[address.toLowerCase()];
  const contract = Object.entries(deployment.contracts).find(([, e]) => e.address.toLowerCase() === address.toLowerCase())?.[0];
  const name = label ?? contract;
  return <a href={href("account", address)} className="mono">{name !== undefined ? `${name} (${address.slice(0, 8)}…${address.slice(-4)})` : address}</a>;
}

export function TokenLink({ id, children }: { id: bigint; children?: ReactNode }) {
  const h = hex32(id);
  return <a href={href("token", h)} className="mono">{children ?? `${h.slice(0, 10)}…${h.slice(-6)}`}</a>;
}

export function Loading({ what }: { what: string }) {
  return <p role="status">Loading {what}…</p>;
}

export function Failed({ error }: { error: unknown }) {
  return <p role="alert" className="error">{error instanceof Error ? error.message.split("\n")[0] : String(error)}</p>;
}

/** A labelled horizontal bar (share of a whole), with the numbers as text. */
export function Bar({ label, value, max, text }: { label: string; value: number; max: number; text: string }) {
  const pct = max <= 0 ? 0 : Math.min(100, (value / max) * 100);
  return (
    <div className="bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(pct)} aria-valuetext={text}>
      <span style={{ width: `${pct}%` }} />
      <em>{text}</em>
    </div>
  );
}

/** Downloads a text file made in the page (nothing leaves the browser). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/json" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
