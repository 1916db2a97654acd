/**
 * The set-up the oracle's node tests share: a local node and a scratch directory for one describe block, and for
 * the fault tests a generated export on top of them, with the relay's options, the command's arguments and
 * environment against it, the check that each of its totals was minted exactly once, and a JSON-RPC proxy that
 * intervenes in the first transaction sent through it.
 */
import fs from "node:fs";
import http from "node:http";
import type net from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { CarbonLedger } from "../../../typechain-types";
import { RELAY_DEFAULTS } from "../../../scripts/oracle/relay";
import type { RelayOptions } from "../../../scripts/oracle/relay";
import { memoryReporter } from "../../../scripts/oracle/reporter";
import { generateRecords, makeParties, partiesFile, sampleAddress } from "../../../scripts/oracle/sample";
import type { ExpectedTotal } from "./oracle";
import { expectedMonthlyTotals, idOfTotal } from "./oracle";
import type { Node } from "./node";
import { devWallet, startNode } from "./node";

/** A node and a scratch directory; filled in before the tests of the describe block that asked for them. */
export interface LocalNode {
  node: Node;
  tmp: string;
}

/**
 * Starts a node and makes a scratch directory (`prefix` + random characters, in the system's temporary folder)
 * before the tests of the calling describe block; stops and removes them after.
 */
export function localNode(prefix: string): LocalNode {
  const local = {} as LocalNode;
  before(async function () {
    local.node = await startNode();
    local.tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  });
  after(async function () {
    await local.node?.stop();
    if (local.tmp !== undefined) fs.rmSync(local.tmp, { recursive: true, force: true });
  });
  return local;
}

/** A local node with a generated export in its scratch directory, and the totals the export must produce. */
export interface NodeWithExport extends LocalNode {
  salt: string;
  exportFile: string;
  parties: string;
  expected: ExpectedTotal[];
}

/**
 * {@link localNode}, plus a generated export (records of `parties` parties named after `org`, `months` months
 * from January 2024, `metersPerParty` meters each, from `seed`) with its parties file, and the monthly totals it
 * must produce with `salt`, computed independently.
 */
export function nodeWithExport(o: {
  prefix: string;
  salt: string;
  seed: number;
  parties: number;
  org: string;
  months: number;
  metersPerParty: number;
}): NodeWithExport {
  const setup = localNode(o.prefix) as NodeWithExport;
  setup.salt = o.salt;
  before(function () {
    const ps = makeParties(o.parties, o.org);
    const records = generateRecords({
      seed: o.seed, parties: ps, startYear: 2024, startMonth: 1, months: o.months, metersPerParty: o.metersPerParty, numbers: false,
    });
    setup.exportFile = path.join(setup.tmp, "export.json");
    fs.writeFileSync(setup.exportFile, JSON.stringify(records));
    setup.parties = path.join(setup.tmp, "parties.json");
    fs.writeFileSync(setup.parties, JSON.stringify(partiesFile(ps)));
    setup.expected = expectedMonthlyTotals(records, o.salt, ps.map((p) => p.partyId));
  });
  return setup;
}

/**
 * In-process relay options for the export of `setup`, with auditor key `key` (a development account) and a fresh
 * memory reporter; `name` keeps each run's journal and quarantine apart in the scratch directory.
 */
export function relayOptions(
  setup: NodeWithExport,
  o: { ledger: string; key: number; name: string; batchSize: number; rpcUrl?: string },
): RelayOptions & { reporter: ReturnType<typeof memoryReporter> } {
  return {
    ...RELAY_DEFAULTS,
    source: { kind: "file" as const, file: setup.exportFile },
    partiesFile: setup.parties,
    salt: setup.salt,
    rpcUrl: o.rpcUrl ?? setup.node.url,
    network: "localhost",
    ledger: o.ledger,
    privateKey: devWallet(o.key).privateKey,
    attesterKeys: [],
    dryRun: false,
    writeBack: false,
    journalFile: path.join(setup.tmp, `${o.name}.jsonl`),
    quarantineFile: path.join(setup.tmp, `${o.name}-q.jsonl`),
    batchSize: o.batchSize,
    pollMs: 50,
    reporter: memoryReporter(),
  };
}

/**
 * The oracle command's arguments for the export of `setup`: journal `journal` (a path), its quarantine in the
 * scratch directory as q-<journal's name>, polling every 50 ms.
 */
export function oracleArgs(
  setup: NodeWithExport,
  o: { ledger: string; journal: string; batchSize: number; rpcUrl?: string; extra?: string[] },
): string[] {
  return [
    "--file", setup.exportFile, "--parties", setup.parties, "--rpc-url", o.rpcUrl ?? setup.node.url, "--ledger", o.ledger,
    "--journal", o.journal, "--quarantine", path.join(setup.tmp, `q-${path.basename(o.journal)}`),
    "--batch-size", String(o.batchSize), "--poll", "50", ...(o.extra ?? []),
  ];
}

/** The oracle command's environment: development account `index` as its key, the export's salt, and `extra`. */
export function oracleEnv(setup: NodeWithExport, index: number, extra: Record<string, string> = {}): Record<string, string> {
  return { ORACLE_PRIVATE_KEY: devWallet(index).privateKey, ORACLE_PARTY_SALT: setup.salt, ...extra };
}

/** Every expected total exists once with its amount and issuee, and nothing else was issued. */
export async function expectEachMintedOnce(ledger: CarbonLedger, expected: readonly ExpectedTotal[]): Promise<void> {
  const used = await Promise.all(expected.map((t) => ledger.exists(idOfTotal(t))));
  expect(used.every((u) => u), "every total minted").to.equal(true);
  for (const t of expected) {
    expect(await ledger.issuedOf(idOfTotal(t)), `total ${t.evidenceHash}`).to.equal(t.grams);
    expect(await ledger.balanceOf(sampleAddress(t.partyId), idOfTotal(t))).to.equal(t.grams);
  }
  expect(await ledger.queryFilter(ledger.filters.Issued()), "no other issuance").to.have.length(expected.length);
}

/** What a proxy does with the first eth_sendRawTransaction (`raw`): its reply, usually after `forward()`ing it. */
export type OnFirstSend = (raw: string, forward: () => Promise<string>) => Promise<string>;

/**
 * A JSON-RPC proxy on a free 127.0.0.1 port in front of the node at `upstream`: it runs `onFirstSend` on the first
 * eth_sendRawTransaction and forwards every other call as it is.
 */
export async function rpcProxy(upstream: string, onFirstSend: OnFirstSend): Promise<{ url: string; close: () => Promise<void> }> {
  let first = true;
  const forward = async (body: string) => {
    const reply = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body });
    return reply.text();
  };
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (b: Buffer) => (body += b.toString()));
    req.on("end", () => {
      void (async () => {
        const call = JSON.parse(body) as { method?: string; params?: unknown[] };
        let out: string;
        if (call.method === "eth_sendRawTransaction" && first) {
          first = false;
          out = await onFirstSend(String(call.params?.[0]), () => forward(body));
        } else out = await forward(body);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(out);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
