import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { FabricOptions } from "../../scripts/oracle/fabric-source";
import { FABRIC_DEFAULTS, FabricSource } from "../../scripts/oracle/fabric-source";
import { goodRecord } from "./helpers/records";
import type { Pem, StandIn } from "./helpers/fabric-server";
import { makePki, startFabric } from "./helpers/fabric-server";

const HOST = "peer0.auditor1.example";

describe("oracle Fabric source (stand-in Fabric Gateway over TLS)", function () {
  this.timeout(30_000);
  let pki: { ca: Pem; server: Pem; client: Pem };
  let otherCa: Pem;
  let fabric: StandIn;
  let dir: string;
  const files: Record<string, string> = {};

  before(async function () {
    pki = await makePki(HOST);
    otherCa = (await makePki(HOST)).ca;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-fabric-"));
    for (const [name, text] of Object.entries({ ca: pki.ca.cert, other: otherCa.cert, cert: pki.client.cert, key: pki.client.key })) {
      files[name] = path.join(dir, `${name}.pem`);
      fs.writeFileSync(files[name] as string, text);
    }
  });
  beforeEach(async function () {
    fabric = await startFabric(pki, [
      goodRecord({ uuid: "r-1", fromDate: "2023-03-01", thruDate: "2023-03-31" }),
      goodRecord({ uuid: "r-2", fromDate: "2023-04-01", thruDate: "2023-04-30" }),
      goodRecord({ uuid: "r-3", fromDate: "2024-01-01", thruDate: "2024-01-31" }),
    ]);
  });
  afterEach(async function () {
    await fabric.stop();
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const options = (over: Partial<FabricOptions> = {}): FabricOptions => ({
    ...FABRIC_DEFAULTS,
    peerEndpoint: `127.0.0.1:${fabric.port}`,
    tlsCertPath: files.ca as string,
    mspId: "auditor1",
    certPath: files.cert as string,
    keyPath: files.key as string,
    timeoutMs: 5_000,
    ...over,
  });
  const open = (over: Partial<FabricOptions> = {}): FabricSource => {
    const s = FabricSource.open(options(over));
    if (!s.ok) throw new Error(s.error);
    return s.value;
  };

  describe("the query", function () {
    it("returns the records of the date range through the real Gateway client, on the default channel and chaincode", async function () {
      const source = open();
      try {
        const r = await source.query("2023-01-01", "2023-12-31");
        expect(r.ok && r.value.records.map((x) => (x as { uuid: string }).uuid)).to.deep.equal(["r-1", "r-2"]);
        expect(fabric.calls[0]).to.deep.equal({ kind: "evaluate", channel: "emissions-data", chaincode: "emissions", fn: "getAllEmissionsDataByDateRange", args: ["2023-01-01", "2023-12-31"] });
      } finally {
        source.close();
      }
    });

    it("checks the certificate against the host name override", async function () {
      const good = open({ hostAlias: HOST });
      const bad = open({ hostAlias: "other.example" });
      try {
        expect((await good.query("2023-01-01", "2024-12-31")).ok).to.equal(true);
        const r = await bad.query("2023-01-01", "2024-12-31");
        expect(!r.ok && r.error).to.match(/^Fabric query getAllEmissionsDataByDateRange on emissions-data\/emissions at 127\.0\.0\.1:\d+: 14 UNAVAILABLE/);
      } finally {
        good.close();
        bad.close();
      }
    });

    it("fails clearly when the peer's certificate is not signed by the configured CA", async function () {
      const source = open({ tlsCertPath: files.other as string });
      try {
        const r = await source.query("2023-01-01", "2023-12-31");
        expect(r.ok).to.equal(false);
        expect(!r.ok && r.error).to.match(/at 127\.0\.0\.1:\d+: 14 UNAVAILABLE: .*certificate.*check --fabric-peer, --fabric-tls-cert and --fabric-host-alias/);
        expect(fabric.calls).to.have.length(0);
      } finally {
        source.close();
      }
    });

    it("fails clearly for an unknown chaincode function, naming it", async function () {
      const source = open({ queryFunction: "getEverything" });
      try {
        const r = await source.query("2023-01-01", "2023-12-31");
        expect(!r.ok && r.error).to.match(/^Fabric query getEverything on emissions-data\/emissions .*Function getEverything not found/);
      } finally {
        source.close();
      }
    });

    it("names the flag of a missing identity file", function () {
      const r = FabricSource.open(options({ keyPath: path.join(dir, "nope.pem") }));
      expect(!r.ok && r.error).to.match(/^--fabric-key .*nope\.pem: cannot read/);
    });
  });

  describe("the write-back", function () {
    it("records the token id on each record, and a retry is harmless", async function () {
      const source = open();
      try {
        const first = await source.writeBack("0xLedger:0x01", "acme-manufacturing", ["r-1", "r-2"]);
        expect(first.ok).to.equal(true);
        expect(fabric.records.filter((r) => r.tokenId === "0xLedger:0x01").map((r) => r.uuid)).to.deep.equal(["r-1", "r-2"]);
        expect(fabric.calls.at(-1)).to.deep.include({ kind: "endorse", fn: "updateEmissionsMintedToken", args: ["0xLedger:0x01", "acme-manufacturing", "r-1", "r-2"] });
        const changes = fabric.tokenised.size;
        const again = await source.writeBack("0xLedger:0x01", "acme-manufacturing", ["r-1", "r-2"]);
        expect(again.ok).to.equal(true);
        expect(fabric.tokenised.size).to.equal(changes);
      } finally {
        source.close();
      }
    });

    it("fails clearly for an unknown write-back function", async function () {
      const source = open({ writeBackFunction: "markMinted" });
      try {
        const r = await source.writeBack("0xLedger:0x01", "acme-manufacturing", ["r-1"]);
        expect(!r.ok && r.error).to.match(/^Fabric write-back markMinted: .*Function markMinted not found/);
      } finally {
        source.close();
      }
    });
  });
});
