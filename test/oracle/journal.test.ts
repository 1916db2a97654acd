import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { bumped, isTransient, redactUrl, replacementFees, revertData } from "../../scripts/oracle/chain";
import { BROADCAST_REPLIES, broadcastReply } from "../../scripts/oracle/node-replies";
import { Journal } from "../../scripts/oracle/journal";
import { redactor } from "../../scripts/oracle/reporter";

const BINDING = { chainId: "31337", genesis: "0x" + "ab".repeat(32), ledger: "0x5FbDB2315678afecb367f032d93F642f64180aa3" };

describe("oracle journal", function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-journal-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("replays pending, settled, dropped and written entries after a restart", function () {
    const file = path.join(dir, "j.jsonl");
    const j = new Journal(file, BINDING);
    j.append({ k: "sent", tx: "0xa", nonce: 1, hashes: ["0x1", "0x2"] });
    j.append({ k: "minted", tx: "0xa", hashes: ["0x1", "0x2"] });
    j.append({ k: "sent", tx: "0xb", nonce: 2, hashes: ["0x3"] });
    j.append({ k: "sent", tx: "0xc", nonce: 3, hashes: ["0x4"] });
    j.drop("0xc");
    j.append({ k: "written", hash: "0x1" });
    j.close();
    const again = new Journal(file, BINDING);
    expect(again.reset).to.equal(undefined);
    expect([...again.pending.keys()]).to.deep.equal(["0xb"]);
    expect([...again.written]).to.deep.equal(["0x1"]);
  });

  it("keeps no minted set: what is minted is the chain's to say", function () {
    const j = new Journal(path.join(dir, "j.jsonl"), BINDING);
    expect(j).to.not.have.property("minted");
  });

  it("groups a transaction and its fee-bumped replacements by nonce, and settles them all when one is mined", function () {
    const file = path.join(dir, "j.jsonl");
    const j = new Journal(file, BINDING);
    j.append({ k: "sent", tx: "0xa", nonce: 4, hashes: ["0x1"] });
    j.append({ k: "sent", tx: "0xa2", nonce: 4, hashes: ["0x1"] });
    j.append({ k: "sent", tx: "0xb", nonce: 5, hashes: ["0x2"] });
    expect(j.inFlight()).to.deep.equal([
      { nonce: 4, txs: ["0xa", "0xa2"], hashes: ["0x1"] },
      { nonce: 5, txs: ["0xb"], hashes: ["0x2"] },
    ]);
    j.append({ k: "minted", tx: "0xa2", hashes: ["0x1"] });
    j.close();
    expect(new Journal(file, BINDING).inFlight()).to.deep.equal([{ nonce: 5, txs: ["0xb"], hashes: ["0x2"] }]);
  });

  it("starts with a line binding it to the chain id, genesis block and ledger", function () {
    const file = path.join(dir, "j.jsonl");
    const j = new Journal(file, BINDING);
    j.append({ k: "written", hash: "0x1" });
    j.close();
    expect(JSON.parse(fs.readFileSync(file, "utf8").split("\n")[0] ?? "")).to.deep.equal({ k: "chain", ...BINDING });
  });

  for (const [what, other, reason] of [
    ["another genesis (a reset chain)", { ...BINDING, genesis: "0x" + "cd".repeat(32) }, "chain genesis changed"],
    ["another chain id", { ...BINDING, chainId: "100" }, "chain id changed (journal 31337, node 100)"],
    ["another ledger", { ...BINDING, ledger: "0x" + "11".repeat(20) }, `ledger changed (journal ${BINDING.ledger}, now 0x${"11".repeat(20)})`],
  ] as const) {
    it(`is set aside, not trusted, when written for ${what}`, function () {
      const file = path.join(dir, "j.jsonl");
      const j = new Journal(file, BINDING);
      j.append({ k: "sent", tx: "0xa", nonce: 1, hashes: ["0x1"] });
      j.append({ k: "written", hash: "0x1" });
      j.close();
      const fresh = new Journal(file, other);
      expect(fresh.reset?.reason).to.equal(reason);
      expect(fresh.pending.size).to.equal(0);
      expect(fresh.written.size).to.equal(0);
      expect(fs.existsSync(file)).to.equal(false);
      expect(fs.readFileSync(fresh.reset?.movedTo ?? "", "utf8")).to.contain('"tx":"0xa"');
      fresh.append({ k: "written", hash: "0x9" });
      fresh.close();
      const again = new Journal(file, other);
      expect(again.reset).to.equal(undefined);
      expect([...again.written]).to.deep.equal(["0x9"]);
    });
  }

  it("sets aside a journal without a chain line (written by an older oracle)", function () {
    const file = path.join(dir, "j.jsonl");
    fs.writeFileSync(file, '{"k":"sent","tx":"0xa","nonce":1,"hashes":["0x1"]}\n');
    const j = new Journal(file, BINDING);
    expect(j.reset?.reason).to.equal("journal has no chain binding");
    expect(j.pending.size).to.equal(0);
  });

  it("ignores a line torn by a crash and starts the next entry on its own line", function () {
    const file = path.join(dir, "j.jsonl");
    fs.writeFileSync(file, JSON.stringify({ k: "chain", ...BINDING }) + '\n{"k":"written","hash":"0x1"}\n{"k":"written","ha');
    const j = new Journal(file, BINDING);
    expect([...j.written]).to.deep.equal(["0x1"]);
    j.append({ k: "written", hash: "0x2" });
    j.close();
    expect([...new Journal(file, BINDING).written]).to.deep.equal(["0x1", "0x2"]);
  });
});

describe("oracle chain helpers", function () {
  it("retries network failures, not verdicts on the request", function () {
    expect(isTransient(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "UNKNOWN_ERROR" }))).to.equal(true);
    expect(isTransient(new Error("socket hang up"))).to.equal(true);
    expect(isTransient({ code: "TIMEOUT", message: "request timeout" })).to.equal(true);
    expect(isTransient({ code: "SERVER_ERROR", message: "server response 502 Bad Gateway" })).to.equal(true);
    expect(isTransient({ code: "CALL_EXCEPTION", message: "execution reverted (network error?)" })).to.equal(false);
    expect(isTransient({ code: "INSUFFICIENT_FUNDS", message: "insufficient funds" })).to.equal(false);
    expect(isTransient({ code: "UNKNOWN_ERROR", message: "Transaction gas limit exceeds block gas limit" })).to.equal(false);
  });

  it("finds revert data wherever the provider nested it", function () {
    expect(revertData({ data: "0x12345678aa" })).to.equal("0x12345678aa");
    expect(revertData({ info: { error: { data: { data: "0xdeadbeef" } } } })).to.equal("0xdeadbeef");
    expect(revertData({ error: { message: "no data" } })).to.equal(undefined);
  });

  it("shows an RPC URL without its path or query (where API keys live)", function () {
    expect(redactUrl("https://rpc.example.org/v2/SECRETKEY?x=1")).to.equal("https://rpc.example.org");
  });

  it("redacts secrets, with or without 0x, from every line", function () {
    const key = "0x" + "ab12".repeat(16);
    const r = redactor([key, "short", "my operator salt"]);
    expect(r(`key ${key} bare ${key.slice(2)} salt my operator salt short`)).to.equal("key [redacted] bare [redacted] salt [redacted] short");
  });

  it("bumps replacement fees by at least 12.5%, or to what the node asks now if more", function () {
    expect(bumped(8n)).to.equal(9n);
    expect(bumped(1_000_000_000n)).to.equal(1_125_000_000n);
    expect(bumped(1n)).to.equal(2n);
    expect(bumped(0n)).to.equal(0n);
    const old = { type: 2, maxFeePerGas: 3_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
    expect(replacementFees(old, { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n, gasPrice: 1n })).to.deep.equal({
      maxFeePerGas: 3_375_000_000n, maxPriorityFeePerGas: 1_125_000_000n,
    });
    expect(replacementFees(old, { maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n, gasPrice: null })).to.deep.equal({
      maxFeePerGas: 50_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n,
    });
    expect(replacementFees({ type: 0, gasPrice: 800n }, { maxFeePerGas: null, maxPriorityFeePerGas: null, gasPrice: 100n })).to.deep.equal({ gasPrice: 900n });
  });
});

describe("node replies to a broadcast", function () {
  // As each client words them (message, data or enum name); see the table's sources.
  const replies: [string, unknown, "known" | "nonce-used" | "nonce-taken"][] = [
    ["geth", { code: -32000, message: "already known" }, "known"],
    ["geth", { code: -32000, message: "nonce too low: address 0xabc, tx: 4 state: 5" }, "nonce-used"],
    ["geth", { code: -32000, message: "replacement transaction underpriced" }, "nonce-taken"],
    ["Nethermind (current)", { code: -32010, message: "already known" }, "known"],
    ["Nethermind (older)", { code: -32010, message: "AlreadyKnown" }, "known"],
    ["Nethermind (older)", { code: -32010, message: "OldNonce, Current nonce: 5, nonce of rejected tx: 4" }, "nonce-used"],
    ["Nethermind (older)", { code: -32010, message: "ReplacementNotAllowed" }, "nonce-taken"],
    ["Erigon", { code: -32000, message: "ALREADY_EXISTS: already known" }, "known"],
    ["Erigon", { code: -32000, message: "INVALID: nonce too low" }, "nonce-used"],
    ["Besu", { code: -32000, message: "Known transaction" }, "known"],
    ["Besu", { code: -32001, message: "Nonce too low" }, "nonce-used"],
    ["Besu", { code: -32000, message: "Replacement transaction underpriced" }, "nonce-taken"],
    ["Besu (reason in data)", { code: -32000, message: "Invalid params", data: "TRANSACTION_ALREADY_KNOWN" }, "known"],
    ["Besu (reason in data)", { code: -32000, message: "Invalid params", data: "NONCE_TOO_LOW" }, "nonce-used"],
    ["anvil", { code: -32003, message: "transaction already imported" }, "known"],
    ["anvil", { code: -32003, message: "nonce too low" }, "nonce-used"],
    ["Hardhat", { code: -32000, message: "Known transaction: 0x29b7a2f41479c9f4275c49ccf057cd2c34e2fa3d923679c0475f3fecae9aa9bb" }, "known"],
    ["Hardhat", { code: -32000, message: "Nonce too low. Expected nonce to be 5 but got 4. Note that transactions can't be queued when automining." }, "nonce-used"],
    ["Hardhat", { code: -32000, message: "Replacement transaction underpriced. A gasPrice/maxFeePerGas of at least 2 is necessary to replace the existing transaction with nonce 0." }, "nonce-taken"],
  ];
  for (const [client, reply, meaning] of replies) {
    it(`reads ${client}'s ${JSON.stringify((reply as { message: string }).message.slice(0, 40))} as ${meaning}`, function () {
      // As ethers v6 wraps a JSON-RPC error: the node's reply under error/info.
      const wrapped = Object.assign(new Error("could not coalesce error"), { code: "UNKNOWN_ERROR", error: reply, info: { error: reply } });
      expect(broadcastReply(wrapped)).to.equal(meaning);
    });
  }

  it("reads the codes ethers gives some of them", function () {
    expect(broadcastReply({ code: "NONCE_EXPIRED", shortMessage: "nonce has already been used" })).to.equal("nonce-used");
    expect(broadcastReply({ code: "REPLACEMENT_UNDERPRICED", shortMessage: "replacement fee too low" })).to.equal("nonce-taken");
  });

  it("does not take real refusals for them", function () {
    for (const message of [
      "insufficient funds for gas * price + value",
      "Unknown transaction type not supported",
      "max fee per gas less than block base fee",
      "nonce too high",
      "intrinsic gas too low",
      "execution reverted",
    ]) expect(broadcastReply({ code: -32000, message }), message).to.equal(undefined);
  });

  it("names the source of every string", function () {
    for (const rule of BROADCAST_REPLIES) expect(rule.source, rule.client).to.match(/\S{8,}/);
    const clients = new Set(BROADCAST_REPLIES.map((r) => r.client));
    for (const c of ["geth", "Nethermind", "Erigon", "Besu", "anvil"]) expect(clients.has(c), c).to.equal(true);
  });
});
