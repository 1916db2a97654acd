import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { isTransient, redactUrl, revertData } from "../../scripts/oracle/chain";
import { Journal } from "../../scripts/oracle/journal";
import { redactor } from "../../scripts/oracle/reporter";

describe("oracle journal", function () {
  let dir: string;
  beforeEach(function () {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-journal-"));
  });
  afterEach(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("replays minted, pending, dropped and written entries after a restart", function () {
    const file = path.join(dir, "j.jsonl");
    const j = new Journal(file);
    j.append({ k: "sent", tx: "0xa", nonce: 1, hashes: ["0x1", "0x2"] });
    j.append({ k: "minted", tx: "0xa", hashes: ["0x1", "0x2"] });
    j.append({ k: "sent", tx: "0xb", nonce: 2, hashes: ["0x3"] });
    j.append({ k: "sent", tx: "0xc", nonce: 3, hashes: ["0x4"] });
    j.drop("0xc");
    j.append({ k: "written", hash: "0x1" });
    j.close();
    const again = new Journal(file);
    expect([...again.minted]).to.deep.equal(["0x1", "0x2"]);
    expect([...again.pending.keys()]).to.deep.equal(["0xb"]);
    expect([...again.written]).to.deep.equal(["0x1"]);
  });

  it("ignores a line torn by a crash and starts the next entry on its own line", function () {
    const file = path.join(dir, "j.jsonl");
    fs.writeFileSync(file, '{"k":"minted","tx":null,"hashes":["0x1"]}\n{"k":"minted","tx":nu');
    const j = new Journal(file);
    expect([...j.minted]).to.deep.equal(["0x1"]);
    j.append({ k: "minted", tx: null, hashes: ["0x2"] });
    j.close();
    expect([...new Journal(file).minted]).to.deep.equal(["0x1", "0x2"]);
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
});
