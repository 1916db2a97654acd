/**
 * `npm run oracle -- <flags>`: a thin command over relay(). Flags first, then the environment (and .env).
 * Exit codes: 0 done; 3 done but some records were quarantined; 4 done but some totals conflict with what the
 * chain holds (see the summary's conflictList); 2 bad flags or settings; 1 any other error.
 */
import path from "node:path";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import dotenv from "dotenv";
import { HDNodeWallet, Mnemonic } from "ethers";
import { normaliseUnit, parseDate } from "../lib/units";
import type { RelayOptions, RelaySource, RelaySummary } from "./relay";
import { FABRIC_DEFAULTS, OracleError, RELAY_DEFAULTS, SAMPLE_DIR, SAMPLE_PARTIES, relay } from "./relay";
import { jsonReporter, ttyReporter } from "./reporter";
import { parsePolicy } from "./audit";
import { humanSummary, withoutPrefix } from "./summary";

dotenv.config({ quiet: true });

const env = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v.trim() === "" ? undefined : v.trim();
};

/** RPC URL variables per network, as in hardhat.config.ts. */
const NETWORK_RPC: Record<string, { variable: string; fallback?: string }> = {
  localhost: { variable: "LOCALHOST_RPC_URL", fallback: "http://127.0.0.1:8545" },
  gnosis: { variable: "GNOSIS_RPC_URL" },
  chiado: { variable: "CHIADO_RPC_URL" },
  sepolia: { variable: "SEPOLIA_RPC_URL" },
};

const integer = (flag: string, min: number) => (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${flag}: expected a whole number >= ${min}`);
  return Number(value);
};

const emissionsUnit = (value: string): string => {
  if (!["t", "kg"].includes(normaliseUnit(value))) throw new InvalidArgumentError(`--emissions-unit "${value}": use t (metric tonnes) or kg`);
  return value;
};

const day = (flag: string) => (value: string): string => {
  const p = parseDate(value, flag);
  if (!p.ok) throw new InvalidArgumentError(p.error);
  return value;
};

export function program(): Command {
  return new Command("oracle")
    .description("Relay audited utility emissions (Fabric or an export file) to the CarbonLedger, each total exactly once.")
    .addOption(new Option("--source <kind>", "where records come from").choices(["file", "fabric"]).default("file"))
    .option("--file <path>", "JSON or CSV export (source file)", path.join(SAMPLE_DIR, "sample-emissions.json"))
    .option("--parties <path>", "JSON map raw party id -> address (env ORACLE_PARTIES_FILE)")
    .option("--emissions-unit <unit>", "unit of records without emissionsUom: t or kg (env ORACLE_EMISSIONS_UNIT, default t)", emissionsUnit)
    .addOption(new Option("--period <kind>", "reporting period of a total").choices(["month", "year", "range"]).default("month"))
    .option("--network <name>", "network of the deployment record and RPC variable", "localhost")
    .option("--rpc-url <url>", "JSON-RPC endpoint (env ORACLE_RPC_URL; default: the network's variable)")
    .option("--ledger <address>", "CarbonLedger address (env ORACLE_LEDGER_ADDRESS; default: deployments/<network>.json)")
    .option("--batch-size <n>", "totals per transaction", integer("--batch-size", 1), RELAY_DEFAULTS.batchSize)
    .option("--confirmations <n>", "blocks to wait for each batch", integer("--confirmations", 1), RELAY_DEFAULTS.confirmations)
    .option("--dry-run", "show what would be minted; send nothing", false)
    .option("--write-back", "write token ids back to Fabric (source fabric)", false)
    .option("--journal <path>", "journal file (default .oracle/journal-<chainId>-<ledger>.jsonl)")
    .option("--quarantine <path>", "quarantine file (JSON lines)", RELAY_DEFAULTS.quarantineFile)
    .option("--from <date>", "query start YYYY-MM-DD (source fabric)", day("--from"))
    .option("--thru <date>", "query end YYYY-MM-DD (source fabric)", day("--thru"))
    .option("--overlap-days <n>", `days queried on each side of a chunk (source fabric, default ${FABRIC_DEFAULTS.overlapDays})`, integer("--overlap-days", 0))
    .option("--fabric-peer <host:port>", "peer gateway endpoint (env FABRIC_PEER_ENDPOINT)")
    .option("--fabric-tls-cert <pem>", "CA certificate of the peer's TLS (env FABRIC_TLS_CERT)")
    .option("--fabric-host-alias <name>", "TLS host name override (env FABRIC_HOST_ALIAS)")
    .option("--fabric-msp-id <id>", "MSP id of the client identity (env FABRIC_MSP_ID)")
    .option("--fabric-cert <pem>", "client identity certificate (env FABRIC_CERT)")
    .option("--fabric-key <pem>", "client identity private key file (env FABRIC_KEY)")
    .option("--fabric-channel <name>", `channel (env FABRIC_CHANNEL, default ${FABRIC_DEFAULTS.channel})`)
    .option("--fabric-chaincode <name>", `chaincode (env FABRIC_CHAINCODE, default ${FABRIC_DEFAULTS.chaincode})`)
    .option("--fabric-query <fn>", `query function (env FABRIC_QUERY_FUNCTION, default ${FABRIC_DEFAULTS.queryFunction})`)
    .option("--fabric-write-back-fn <fn>", `write-back function (env FABRIC_WRITE_BACK_FUNCTION, default ${FABRIC_DEFAULTS.writeBackFunction})`)
    .option("--rpc-timeout <ms>", "timeout of one RPC call", integer("--rpc-timeout", 100), RELAY_DEFAULTS.rpcTimeoutMs)
    .option("--retry-for <ms>", "keep retrying a failing RPC for this long", integer("--retry-for", 0), RELAY_DEFAULTS.retryForMs)
    .option("--poll <ms>", "receipt polling interval", integer("--poll", 10), RELAY_DEFAULTS.pollMs)
    .option("--replace-after <ms>", "replace a transaction not mined after this long (same nonce, fees +12.5%)", integer("--replace-after", 100), RELAY_DEFAULTS.replaceAfterMs)
    .option("--max-replacements <n>", "fee bumps before a stuck transaction stops the run", integer("--max-replacements", 0), RELAY_DEFAULTS.maxReplacements)
    .option("--wait-for <ms>", "longest wait for a rival's pending transaction or for confirmations", integer("--wait-for", 100), RELAY_DEFAULTS.waitForMs)
    .option("--json", "JSON lines even on a terminal", false)
    .option("--account <index>", "localhost only: send as the development node's account #index (as `npx hardhat node` lists them) instead of ORACLE_PRIVATE_KEY", integer("--account", 0))
    .option("--audit <mode>", "deviating records: flag (minted with a note) or enforce (quarantined) (env ORACLE_AUDIT, default flag)")
    .option("--audit-tolerance <percent>", "allowed deviation from the recomputation, percent (env ORACLE_AUDIT_TOLERANCE, default 1)")
    .option("--audit-file <path>", "audit entries, JSON lines (default audit.jsonl next to the quarantine file)")
    .option("--factors <dir>", "emission-factor tables (default data/emission-factors)");
}

interface Flags {
  source: "file" | "fabric";
  file: string;
  parties?: string;
  emissionsUnit?: string;
  overlapDays?: number;
  period: "month" | "year" | "range";
  network: string;
  rpcUrl?: string;
  ledger?: string;
  batchSize: number;
  confirmations: number;
  dryRun: boolean;
  writeBack: boolean;
  journal?: string;
  quarantine: string;
  from?: string;
  thru?: string;
  fabricPeer?: string;
  fabricTlsCert?: string;
  fabricHostAlias?: string;
  fabricMspId?: string;
  fabricCert?: string;
  fabricKey?: string;
  fabricChannel?: string;
  fabricChaincode?: string;
  fabricQuery?: string;
  fabricWriteBackFn?: string;
  rpcTimeout: number;
  retryFor: number;
  poll: number;
  replaceAfter: number;
  maxReplacements: number;
  waitFor: number;
  json: boolean;
  audit?: string;
  auditTolerance?: string;
  auditFile?: string;
  factors?: string;
  account?: number;
}

function emissionsUnitFromEnv(): string {
  const v = env("ORACLE_EMISSIONS_UNIT") ?? "t";
  if (!["t", "kg"].includes(normaliseUnit(v))) throw new OracleError(`ORACLE_EMISSIONS_UNIT "${v}": use t (metric tonnes) or kg`, 2);
  return v;
}

/** The mnemonic of Hardhat's development accounts (`npx hardhat node`), public by design. */
const DEVELOPMENT_MNEMONIC = "test test test test test test test test test test test junk";

/** The key of development account `index`: only for localhost, whose accounts are public. */
export function developmentKey(network: string, index: number): string {
  if (network !== "localhost") throw new OracleError(`--account ${index}: only on localhost (a development node); elsewhere set ORACLE_PRIVATE_KEY`, 2);
  return HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEVELOPMENT_MNEMONIC), `m/44'/60'/0'/0/${index}`).privateKey;
}

/** Flags + environment -> relay options; a missing setting is an OracleError(exit 2) naming flag and variable. */
export function options(f: Flags): RelayOptions {
  const need = (value: string | undefined, flag: string, variable: string): string => {
    if (value === undefined) throw new OracleError(`${flag} (or env ${variable}) is required with --source fabric`, 2);
    return value;
  };
  let source: RelaySource;
  if (f.source === "fabric") {
    if (f.from === undefined || f.thru === undefined) throw new OracleError("--from and --thru are required with --source fabric", 2);
    source = {
      kind: "fabric",
      fromDate: f.from,
      thruDate: f.thru,
      overlapDays: f.overlapDays ?? FABRIC_DEFAULTS.overlapDays,
      fabric: {
        peerEndpoint: need(f.fabricPeer ?? env("FABRIC_PEER_ENDPOINT"), "--fabric-peer", "FABRIC_PEER_ENDPOINT"),
        tlsCertPath: need(f.fabricTlsCert ?? env("FABRIC_TLS_CERT"), "--fabric-tls-cert", "FABRIC_TLS_CERT"),
        hostAlias: f.fabricHostAlias ?? env("FABRIC_HOST_ALIAS"),
        mspId: need(f.fabricMspId ?? env("FABRIC_MSP_ID"), "--fabric-msp-id", "FABRIC_MSP_ID"),
        certPath: need(f.fabricCert ?? env("FABRIC_CERT"), "--fabric-cert", "FABRIC_CERT"),
        keyPath: need(f.fabricKey ?? env("FABRIC_KEY"), "--fabric-key", "FABRIC_KEY"),
        channel: f.fabricChannel ?? env("FABRIC_CHANNEL") ?? FABRIC_DEFAULTS.channel,
        chaincode: f.fabricChaincode ?? env("FABRIC_CHAINCODE") ?? FABRIC_DEFAULTS.chaincode,
        queryFunction: f.fabricQuery ?? env("FABRIC_QUERY_FUNCTION") ?? FABRIC_DEFAULTS.queryFunction,
        writeBackFunction: f.fabricWriteBackFn ?? env("FABRIC_WRITE_BACK_FUNCTION") ?? FABRIC_DEFAULTS.writeBackFunction,
        timeoutMs: FABRIC_DEFAULTS.timeoutMs,
      },
    };
  } else {
    source = { kind: "file", file: f.file };
  }
  const net = NETWORK_RPC[f.network];
  const rpcUrl = f.rpcUrl ?? env("ORACLE_RPC_URL") ?? (net !== undefined ? env(net.variable) ?? net.fallback : undefined);
  if (rpcUrl === undefined) {
    throw new OracleError(`--rpc-url (or env ORACLE_RPC_URL${net !== undefined ? ` or ${net.variable}` : ""}) is required for network "${f.network}"`, 2);
  }
  const policy = parsePolicy(f.audit ?? env("ORACLE_AUDIT"), f.auditTolerance ?? env("ORACLE_AUDIT_TOLERANCE"));
  if (!policy.ok) throw new OracleError(`${policy.error} (or env ${policy.error.startsWith("--audit-tolerance") ? "ORACLE_AUDIT_TOLERANCE" : "ORACLE_AUDIT"})`, 2);
  const secrets = secretValues();
  const reporter = process.stdout.isTTY && !f.json ? ttyReporter(secrets) : jsonReporter(secrets);
  return {
    source,
    partiesFile: f.parties ?? env("ORACLE_PARTIES_FILE") ?? SAMPLE_PARTIES,
    emissionsUnit: f.emissionsUnit ?? emissionsUnitFromEnv(),
    period: f.period,
    salt: env("ORACLE_PARTY_SALT"),
    rpcUrl,
    network: f.network,
    ledger: f.ledger ?? env("ORACLE_LEDGER_ADDRESS"),
    privateKey: f.account !== undefined ? developmentKey(f.network, f.account) : env("ORACLE_PRIVATE_KEY"),
    attesterKeys: (env("ORACLE_ATTESTER_KEYS") ?? "").split(",").map((k) => k.trim()).filter((k) => k !== ""),
    batchSize: f.batchSize,
    confirmations: f.confirmations,
    dryRun: f.dryRun,
    writeBack: f.writeBack,
    journalFile: f.journal,
    quarantineFile: f.quarantine,
    rpcTimeoutMs: f.rpcTimeout,
    retryForMs: f.retryFor,
    pollMs: f.poll,
    replaceAfterMs: f.replaceAfter,
    maxReplacements: f.maxReplacements,
    waitForMs: f.waitFor,
    attestationTtl: RELAY_DEFAULTS.attestationTtl,
    reporter,
    audit: { ...policy.value, factorsDir: f.factors, file: f.auditFile },
  };
}

/** Values that must never be printed. */
function secretValues(): string[] {
  return [env("ORACLE_PRIVATE_KEY"), env("ORACLE_PARTY_SALT"), ...(env("ORACLE_ATTESTER_KEYS") ?? "").split(",")]
    .filter((s): s is string => s !== undefined && s.trim() !== "")
    .map((s) => s.trim());
}

export async function main(argv: string[]): Promise<number> {
  const cmd = program().exitOverride().configureOutput({ writeErr: (s) => process.stderr.write(s) });
  try {
    cmd.parse(argv);
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2;
    throw e;
  }
  const redactAll = (s: string) => secretValues().reduce((t, n) => t.split(n).join("[redacted]"), s);
  try {
    const o = options(cmd.opts<Flags>());
    const summary = await relay(o);
    if (process.stdout.isTTY && cmd.opts<Flags>().json !== true) o.reporter.print(humanSummary(summary).join("\n"));
    else o.reporter.print(JSON.stringify({ event: "summary", ...summary }));
    for (const c of summary.conflictList) {
      process.stderr.write(`oracle: CONFLICT total ${c.evidenceHash} (token ${c.id}): ${c.differences.join("; ")}\n`);
    }
    return summary.conflicts > 0 ? 4 : summary.quarantined > 0 ? 3 : 0;
  } catch (e) {
    const code = e instanceof OracleError ? e.exitCode : 1;
    process.stderr.write(`oracle: ${redactAll(withoutPrefix(e instanceof Error ? e.message : String(e)))}\n`);
    return code;
  }
}

if (require.main === module) {
  main(process.argv).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`oracle: ${withoutPrefix(e instanceof Error ? e.message : String(e))}\n`);
      process.exitCode = 1;
    },
  );
}
