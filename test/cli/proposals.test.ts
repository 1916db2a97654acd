import { expect } from "chai";
import hre from "hardhat";
import type { InterfaceAbi } from "ethers";
import { Interface } from "ethers";
import { addressBook, labelled } from "../../scripts/cli/lib/address-book";
import { decodeAction, duration, resolvePrefix, uniquePrefixes } from "../../scripts/cli/lib/proposal-view";
import type { DeploymentRecord } from "../../scripts/lib/deployment";

const IDS = ["18753327445425914727", "18753327990000000000", "79069859366153943736"];

describe("proposal ids", function () {
  it("are shown as their shortest unique prefix, at least 8 digits", function () {
    const p = uniquePrefixes(IDS);
    expect(p.get(IDS[0] as string)).to.equal("187533274");
    expect(p.get(IDS[1] as string)).to.equal("187533279");
    expect(p.get(IDS[2] as string)).to.equal("79069859");
  });

  it("are accepted as any unique prefix, or in full", function () {
    expect(resolvePrefix("7906", IDS)).to.deep.equal({ ok: true, value: IDS[2] });
    expect(resolvePrefix(IDS[0] as string, IDS)).to.deep.equal({ ok: true, value: IDS[0] });
    expect(resolvePrefix("187533274…", IDS)).to.deep.equal({ ok: true, value: IDS[0] });
  });

  it("refuses an ambiguous prefix, listing the candidates", function () {
    const r = resolvePrefix("1875", IDS);
    expect(r.ok ? "" : r.error).to.equal('--proposal "1875": ambiguous, 2 proposals start so: 187533274, 187533279');
  });

  it("refuses an unknown prefix or a malformed one", function () {
    const a = resolvePrefix("42", IDS);
    expect(a.ok ? "" : a.error).to.match(/^--proposal "42": no proposal/);
    const b = resolvePrefix("proposal-1", IDS);
    expect(b.ok ? "" : b.error).to.match(/^--proposal "proposal-1": expected a proposal id or a prefix/);
  });
});

describe("address book", function () {
  const record = {
    network: "localhost", chainId: 31337, deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
    contracts: { Timelock: { address: "0x0165878A594ca255338adfa4d48449f69242Eb8F", block: 1 } },
    parameters: {
      ledger: { guardian: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", registrars: ["0x70997970C51812dc3A010C7d01b50e0d17dc79C8"], auditors: ["0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"] },
      votingToken: { holders: [{ account: "0x976EA74026E726554dB657fA54763abd0C3a0aa9", amount: "400" }] },
    },
  } as unknown as DeploymentRecord;
  const book = addressBook(record);

  it("labels the record's contracts and the parameters' named accounts", function () {
    expect(labelled(book, "0x0165878a594ca255338adfa4d48449f69242eb8f")).to.equal("0x0165…eb8f (timelock)");
    expect(labelled(book, "0x70997970C51812dc3A010C7d01b50e0d17dc79C8")).to.equal("0x7099…79C8 (guardian, registrar)");
    expect(labelled(book, "0x976EA74026E726554dB657fA54763abd0C3a0aa9")).to.equal("0x976E…0aa9 (DAO member)");
  });

  it("leaves an unknown address in full", function () {
    expect(labelled(book, "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65")).to.equal("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65");
  });
});

describe("proposal actions", function () {
  it("decode with the contract's name, the function and amounts in the token's units", async function () {
    const abi = (await hre.artifacts.readArtifact("CarbonLedger")).abi as InterfaceAbi;
    const ledger = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const id = 7n;
    const data = new Interface(abi).encodeFunctionData("revoke", ["0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", id, 5_000_000n, "double counted"]);
    const shown = decodeAction(ledger, data, new Map([[ledger.toLowerCase(), { name: "CarbonLedger", abi }]]), (i) => (i === id ? "mass" : undefined));
    expect(shown).to.match(/^CarbonLedger\.revoke\(.*amount=5 t CO2e/);
  });

  it("show an unknown target's call raw", function () {
    expect(decodeAction("0x0000000000000000000000000000000000000001", "0x12345678", new Map())).to.match(/call 0x12345678/);
  });

  it("durations read as people say them", function () {
    expect(duration(219)).to.equal("3 min 39 s");
    expect(duration(3600 * 26)).to.equal("1 d 2 h");
    expect(duration(45)).to.equal("45 s");
  });
});
