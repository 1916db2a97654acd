/** A retirement certificate, checked against the chain every time it is opened; printable; proves the name. */
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import type { Address, Hex } from "viem";
import { decodeEventLog } from "viem";
import { usePublicClient } from "wagmi";
import qrcode from "qrcode-generator";
import { certificateSerial, formatDateTime, quantityOfType, TOKEN_TYPE_LABELS } from "@shared/format";
import { attributedYear, formatAmount, formatDate } from "@shared/units";
import { nameCommitment } from "@shared/commitment";
import { useDeployment, useSuite } from "../chain";
import { readRecord } from "../data";
import { AccountLink, Failed, Loading, TokenLink } from "../ui";

function Qr({ text }: { text: string }) {
  const qr = qrcode(0, "M");
  qr.addData(text);
  qr.make();
  return <div className="qr" role="img" aria-label={`QR code linking to ${text}`} dangerouslySetInnerHTML={{ __html: qr.createSvgTag({ cellSize: 4, margin: 2, scalable: true }) }} />;
}

function NameProof({ commitment }: { commitment: Hex }) {
  const [name, setName] = useState("");
  const [salt, setSalt] = useState("");
  const [result, setResult] = useState<{ ok: boolean; text: string }>();
  async function onFile(file: File | undefined) {
    if (file === undefined) return;
    try {
      const saved = JSON.parse(await file.text()) as { name?: string; salt?: string };
      if (saved.name !== undefined) setName(saved.name);
      if (saved.salt !== undefined) setSalt(saved.salt);
    } catch {
      setResult({ ok: false, text: "That file is not a salt file saved by this app" });
    }
  }
  function check(e: React.FormEvent) {
    e.preventDefault();
    try {
      const computed = nameCommitment(name, salt.trim());
      setResult(computed.toLowerCase() === commitment.toLowerCase()
        ? { ok: true, text: `Proven: "${name}" with this salt gives the commitment recorded on chain (${commitment}).` }
        : { ok: false, text: `Not proven: "${name}" with this salt gives ${computed}, the chain records ${commitment}.` });
    } catch (error) {
      setResult({ ok: false, text: error instanceof Error ? error.message : String(error) });
    }
  }
  return (
    <form onSubmit={check} aria-label="Prove the beneficiary's name" className="noprint">
      <label>Beneficiary name<input value={name} onChange={(e) => setName(e.target.value)} /></label>
      <label>Salt (0x + 64 hex digits)<input value={salt} onChange={(e) => setSalt(e.target.value)} className="mono" /></label>
      <label>Or load the salt file saved at retirement<input type="file" accept="application/json,.json" onChange={(e) => void onFile(e.target.files?.[0])} /></label>
      <button type="submit">Prove the name</button>
      {result !== undefined && <p role={result.ok ? "status" : "alert"} className={result.ok ? "ok" : "error"}>{result.text}</p>}
    </form>
  );
}

export default function Certificate({ tx, logIndex }: { tx: string; logIndex: number }) {
  const client = usePublicClient();
  const suite = useSuite();
  const { deployment, chain } = useDeployment();
  const check = useQuery({
    queryKey: ["certificate", tx, logIndex],
    staleTime: 0,
    queryFn: async () => {
      const receipt = await client!.getTransactionReceipt({ hash: tx as Hex });
      const log = receipt.logs.find((l) => l.logIndex === logIndex);
      if (log === undefined) throw new Error(`transaction ${tx} has no log ${logIndex}`);
      if (log.address.toLowerCase() !== suite.ledger.address.toLowerCase()) throw new Error(`log ${logIndex} was not emitted by this deployment's ledger`);
      const ev = decodeEventLog({ abi: suite.ledger.abi, data: log.data, topics: log.topics });
      if (ev.eventName !== "Retired") throw new Error(`log ${logIndex} is ${ev.eventName}, not a retirement`);
      const a = ev.args;
      const [record, block, issued, voided, latest] = await Promise.all([
        readRecord(client!, suite, a.id),
        client!.getBlock({ blockNumber: receipt.blockNumber }),
        client!.getContractEvents({ ...suite.ledger, eventName: "Issued", args: { id: a.id }, fromBlock: suite.fromBlock }),
        client!.getContractEvents({ ...suite.ledger, eventName: "RetirementVoided", args: { holder: a.holder, id: a.id, beneficiary: a.beneficiary }, fromBlock: suite.fromBlock }),
        client!.getBlockNumber(),
      ]);
      const year = attributedYear(Number(a.fromDate), Number(a.thruDate));
      const stillRetired = await client!.readContract({ ...suite.ledger, functionName: "retiredFor", args: [a.id, a.holder, a.beneficiary, year] });
      const voidedForYear = voided.filter((v) => Number(v.args.year) === year);
      return { a, record, block, evidence: issued[0]?.args.evidenceHash, receipt, year, stillRetired, voided: voidedForYear, confirmations: latest - receipt.blockNumber + 1n, checkedAt: new Date() };
    },
  });
  if (check.isLoading) return <Loading what="the certificate from the chain" />;
  if (check.error) return <><h1>Retirement certificate</h1><p role="alert" className="error">Not verified: {String(check.error instanceof Error ? check.error.message.split("\n")[0] : check.error)}</p></>;
  const d = check.data!;
  const q = quantityOfType(d.record.tokenType);
  const url = window.location.href;
  const serial = certificateSerial(deployment.chainId, d.receipt.blockNumber, logIndex, tx);
  let metadata = d.record.metadata;
  try {
    metadata = Object.entries(JSON.parse(d.record.metadata) as Record<string, unknown>).map(([k, v]) => `${k}: ${String(v)}`).join("; ");
  } catch { /* a URI or plain text */ }
  return (
    <>
      <article className="certificate" aria-labelledby="cert-h">
        <div style={{ display: "flex", justifyContent: "space-between", gap: "1rem" }}>
          <div>
            <h1 id="cert-h">Retirement certificate</h1>
            <p>Serial number <strong className="mono">{serial}</strong></p>
            <p><strong>{formatAmount(d.a.amount, q)}</strong> of {TOKEN_TYPE_LABELS[d.record.tokenType]?.toLowerCase()} retired for the beneficiary below, permanently.</p>
          </div>
          <Qr text={url} />
        </div>
        <dl>
          <dt>Beneficiary</dt><dd><AccountLink address={d.a.beneficiary as Address} /></dd>
          <dt>Beneficiary name commitment</dt><dd className="mono">{d.a.beneficiaryNameCommitment}</dd>
          <dt>Claimed period</dt><dd>{formatDate(d.a.fromDate)} – {formatDate(d.a.thruDate)} (counts towards {d.year})</dd>
          <dt>Reason</dt><dd>{d.a.reason}</dd>
          <dt>Retired by</dt><dd><AccountLink address={d.a.holder as Address} /></dd>
          <dt>Date</dt><dd>{formatDateTime(d.block.timestamp)}</dd>
          <dt>Token</dt><dd><TokenLink id={d.a.id}>{`0x${d.a.id.toString(16).padStart(64, "0")}`}</TokenLink></dd>
          <dt>Type</dt><dd>{TOKEN_TYPE_LABELS[d.record.tokenType]}</dd>
          <dt>Issuer</dt><dd><AccountLink address={d.record.issuer} /></dd>
          <dt>Vintage period</dt><dd>{formatDate(d.record.fromDate)} – {formatDate(d.record.thruDate)} (vintage {d.record.year})</dd>
          <dt>Evidence hash</dt><dd className="mono">{d.evidence ?? "—"}</dd>
          <dt>Metadata</dt><dd>{metadata}</dd>
          <dt>Chain</dt><dd>{chain.name} (chain id {deployment.chainId})</dd>
          <dt>Transaction</dt><dd className="mono">{tx} (log {logIndex}, block {d.receipt.blockNumber.toString()})</dd>
        </dl>
        <p role="status" className={d.voided.length > 0 ? "warn" : "ok"}>
          Verified against the chain at {d.checkedAt.toISOString().slice(0, 19).replace("T", " ")} UTC: receipt found in block {d.receipt.blockNumber.toString()} ({d.confirmations.toString()} confirmations), emitted by the ledger {suite.ledger.address}.
          {d.voided.length > 0 && ` Since then ${formatAmount(d.voided.reduce((s, v) => s + (v.args.amount ?? 0n), 0n), q)} of these retirements were voided (${d.voided.map((v) => v.args.reason).join("; ")}); ${formatAmount(d.stillRetired, q)} still stands for ${d.year}.`}
        </p>
      </article>
      <p className="noprint"><button type="button" onClick={() => window.print()}>Print or save as PDF</button></p>
      <h2 className="noprint">Prove the beneficiary's name</h2>
      <NameProof commitment={d.a.beneficiaryNameCommitment} />
    </>
  );
}
