import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroHash, toBeHex } from "ethers";
import { decodeJsonDataUri, isJsonDataUri, isJsonObject } from "../helpers/data-uri";
import { endOfDay, utc } from "../helpers/dates";
import { interfaceId } from "../helpers/interface-id";
import {
  deployLedger,
  freshEvidence,
  idOf,
  issueRequest,
  issued,
  retiredEventArgs,
  retirement,
  totalsOf,
  TokenType,
  type LedgerFixture,
} from "./fixtures";

/** A small history: Alice's REC (100 Wh) and offset (1 t), Acme's 2024 emissions (5 t); some moved, retired, revoked. */
async function history() {
  const f = await loadFixture(deployLedger);
  const recRequest = issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, amount: 100n });
  const debtRequest = issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 5_000_000n });
  const rec = await issued(f, recRequest);
  const offset = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 1_000_000n }));
  const debt = await issued(f, debtRequest);
  const evidence = { rec: recRequest.evidenceHash, debt: debtRequest.evidenceHash };
  await f.ledger.connect(f.alice).safeTransferFrom(f.alice.address, f.bob.address, rec, 40n, "0x");
  await f.ledger.connect(f.alice).retire(f.alice.address, rec, 10n, retirement({ beneficiary: f.acme.address }));
  await f.ledger.connect(f.bob).retire(f.bob.address, rec, 15n, retirement({ beneficiary: f.acme.address }));
  await f.ledger.connect(f.revoker).revoke(f.alice.address, rec, 5n, "meter fault");
  await f.ledger.connect(f.alice).retire(f.alice.address, offset, 300_000n, retirement({ beneficiary: f.acme.address }));
  return { f, rec, offset, debt, evidence };
}

describe("reads", function () {
  describe("recordOf, exists and evidenceUsed", function () {
    it("reverts with LedgerUnknownToken for an id never issued; exists is false", async function () {
      const f = await loadFixture(deployLedger);
      const id = idOf(TokenType.REC, f.recIssuer, freshEvidence());
      await expect(f.ledger.recordOf(id)).to.be.revertedWithCustomError(f.ledger, "LedgerUnknownToken").withArgs(id);
      expect(await f.ledger.exists(id)).to.equal(false);
    });

    it("tells, per hash, whether it already backs an issuance of the type in the scope", async function () {
      const { f, evidence } = await history();
      const unused = freshEvidence();
      const hashes = [evidence.rec, unused, evidence.debt, ZeroHash];
      expect(await f.ledger.evidenceUsed(TokenType.REC, f.recIssuer.address, hashes)).to.deep.equal([true, false, false, false]);
      expect(await f.ledger.evidenceUsed(TokenType.Emissions, f.acme.address, hashes)).to.deep.equal([false, false, true, false]);
      // Another scope or type: nothing is used there.
      expect(await f.ledger.evidenceUsed(TokenType.REC, f.offsetIssuer.address, hashes)).to.deep.equal([false, false, false, false]);
      expect(await f.ledger.evidenceUsed(TokenType.Emissions, f.globex.address, hashes)).to.deep.equal([false, false, false, false]);
      expect(await f.ledger.evidenceUsed(TokenType.Offset, f.recIssuer.address, hashes)).to.deep.equal([false, false, false, false]);
      expect(await f.ledger.evidenceUsed(TokenType.REC, f.recIssuer.address, [])).to.deep.equal([]);
    });

    it("computes token ids as keccak256(abi.encode(type, scope, evidence hash)), as scripts/ledger/token-id.ts does", async function () {
      const { f, rec, debt, evidence } = await history();
      expect(await f.ledger.tokenIdOf(TokenType.REC, f.recIssuer.address, evidence.rec)).to.equal(rec);
      expect(await f.ledger.tokenIdOf(TokenType.Emissions, f.acme.address, evidence.debt)).to.equal(debt);
      expect(rec).to.equal(idOf(TokenType.REC, f.recIssuer, evidence.rec));
      expect(rec).to.not.equal(BigInt(evidence.rec));
    });
  });

  describe("supply figures", function () {
    it("reports issued, retired, revoked and available per id", async function () {
      const { f, rec, offset, debt } = await history();
      expect(await f.ledger.issuedOf(rec)).to.equal(100n);
      expect(await f.ledger.retiredOf(rec)).to.equal(25n);
      expect(await f.ledger.revokedOf(rec)).to.equal(5n);
      expect(await f.ledger.availableOf(rec)).to.equal(70n);
      expect(await f.ledger.availableOf(offset)).to.equal(700_000n);
      expect(await f.ledger.availableOf(debt)).to.equal(5_000_000n);
      expect(await f.ledger.retiredOf(debt)).to.equal(0n);
    });

    it("reports zero for an id never issued", async function () {
      const f = await loadFixture(deployLedger);
      const id = idOf(TokenType.REC, f.recIssuer, freshEvidence());
      expect([await f.ledger.issuedOf(id), await f.ledger.availableOf(id), await f.ledger.retiredOf(id)]).to.deep.equal([
        0n,
        0n,
        0n,
      ]);
    });

    it("reports what each holder retired from its own balance", async function () {
      const { f, rec } = await history();
      expect(await f.ledger.retiredBy(f.alice.address, rec)).to.equal(10n);
      expect(await f.ledger.retiredBy(f.bob.address, rec)).to.equal(15n);
      expect(await f.ledger.retiredBy(f.acme.address, rec)).to.equal(0n);
    });
  });

  describe("yearTotals and netPosition", function () {
    it("adds emissions, retired offsets and retired RECs per account and year", async function () {
      const { f } = await history();
      expect(await totalsOf(f.ledger, f.acme, 2024)).to.deep.equal({
        emissions: 5_000_000n,
        offsetsRetired: 300_000n,
        recsRetired: 25n,
        netPosition: 4_700_000n,
      });
      expect(await f.ledger.netPosition(f.acme.address, 2024)).to.equal(4_700_000n);
      expect(await totalsOf(f.ledger, f.acme, 2023)).to.deep.equal({
        emissions: 0n,
        offsetsRetired: 0n,
        recsRetired: 0n,
        netPosition: 0n,
      });
    });

    it("goes negative when retired offsets exceed emissions (net removal)", async function () {
      const { f, offset } = await history();
      await f.ledger.connect(f.alice).retire(f.alice.address, offset, 700_000n, retirement({ beneficiary: f.globex.address }));
      expect(await f.ledger.netPosition(f.globex.address, 2024)).to.equal(-700_000n);
      expect((await totalsOf(f.ledger, f.globex, 2024)).netPosition).to.equal(-700_000n);
    });

    it("leaves RECs out of the net position", async function () {
      const f = await loadFixture(deployLedger);
      const rec = await issued(f, issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, amount: 8n }));
      await f.ledger.connect(f.alice).retire(f.alice.address, rec, 8n, retirement({ beneficiary: f.globex.address }));
      expect(await totalsOf(f.ledger, f.globex, 2024)).to.deep.equal({
        emissions: 0n,
        offsetsRetired: 0n,
        recsRetired: 8n,
        netPosition: 0n,
      });
    });
  });

  describe("year attribution: a period counts towards the UTC year of its midpoint", function () {
    const jan1 = utc("2024-01-01");
    const cases: { title: string; fromDate: number; thruDate: number; year: number }[] = [
      { title: "a period within one year", fromDate: utc("2024-03-01"), thruDate: endOfDay("2024-03-31"), year: 2024 },
      { title: "Jul 2023 - Mar 2024 (midpoint in 2023)", fromDate: utc("2023-07-01"), thruDate: endOfDay("2024-03-31"), year: 2023 },
      { title: "Nov 2023 - Jun 2024 (midpoint in 2024)", fromDate: utc("2023-11-01"), thruDate: endOfDay("2024-06-30"), year: 2024 },
      { title: "a bill 15 Dec 2023 - 14 Jan 2024 (midpoint 30 Dec)", fromDate: utc("2023-12-15"), thruDate: endOfDay("2024-01-14"), year: 2023 },
      { title: "a fiscal year Apr 2023 - Mar 2024", fromDate: utc("2023-04-01"), thruDate: endOfDay("2024-03-31"), year: 2023 },
      { title: "a midpoint exactly at 2024-01-01T00:00:00", fromDate: jan1 - 1_000, thruDate: jan1 + 1_000, year: 2024 },
      { title: "a midpoint one second before 2024 (rounded down)", fromDate: jan1 - 1_000, thruDate: jan1 + 999, year: 2023 },
      { title: "an instant on 31 December", fromDate: jan1 - 1, thruDate: jan1 - 1, year: 2023 },
    ];
    const otherYear = (year: number) => (year === 2024 ? 2023 : 2024);

    async function aliceOffset(f: LedgerFixture) {
      const offset = await issued(
        f,
        issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, amount: 1_000n }),
      );
      return offset;
    }

    for (const c of cases) {
      it(`attributes audited emissions for ${c.title} to ${c.year}`, async function () {
        const f = await loadFixture(deployLedger);
        await issued(
          f,
          issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 77n, fromDate: c.fromDate, thruDate: c.thruDate }),
        );
        expect((await totalsOf(f.ledger, f.acme, c.year)).emissions).to.equal(77n);
        expect((await totalsOf(f.ledger, f.acme, otherYear(c.year))).emissions).to.equal(0n);
      });

      it(`attributes a retirement claimed for ${c.title} to ${c.year}`, async function () {
        const f = await loadFixture(deployLedger);
        const offset = await aliceOffset(f);
        const claim = retirement({ beneficiary: f.acme.address, fromDate: c.fromDate, thruDate: c.thruDate });
        await expect(f.ledger.connect(f.alice).retire(f.alice.address, offset, 11n, claim))
          .to.emit(f.ledger, "Retired")
          .withArgs(...retiredEventArgs(f.alice.address, offset, f.alice.address, 11n, claim));
        expect(await f.ledger.netPosition(f.acme.address, c.year)).to.equal(-11n);
        expect(await f.ledger.netPosition(f.acme.address, otherYear(c.year))).to.equal(0n);
      });
    }
  });

  describe("uri", function () {
    /** The decoded JSON document of `uri(id)`, narrowed to objects. */
    async function metadataOf(f: LedgerFixture, id: bigint) {
      const uri = await f.ledger.uri(id);
      expect(isJsonDataUri(uri), "uri is a base64 JSON data URI").to.equal(true);
      const doc = decodeJsonDataUri(uri);
      if (!isJsonObject(doc) || !isJsonObject(doc.properties)) throw new Error(`unexpected document: ${JSON.stringify(doc)}`);
      return { doc, properties: doc.properties };
    }

    it("serves a data URI with the record as JSON, the metadata as an escaped JSON string", async function () {
      const f = await loadFixture(deployLedger);
      const request = issueRequest({
        tokenType: TokenType.REC,
        issuee: f.alice.address,
        metadata: '{"registry":"I-REC","device":"PV-7","mwh":4.2}',
      });
      const id = await issued(f, request);
      const { doc, properties } = await metadataOf(f, id);
      expect(doc.name).to.match(/Renewable Energy Certificate/i);
      expect(doc.decimals).to.equal(0);
      expect(typeof doc.description).to.equal("string");
      expect(properties).to.deep.equal({
        tokenType: TokenType.REC,
        unit: "Wh",
        issuer: f.recIssuer.address.toLowerCase(),
        issuee: f.alice.address.toLowerCase(),
        id: toBeHex(id, 32),
        fromDate: request.fromDate,
        thruDate: request.thruDate,
        createdAt: await time.latest(),
        year: 2024,
        metadata: '{"registry":"I-REC","device":"PV-7","mwh":4.2}',
      });
    });

    it("keeps the document valid and unaltered whatever the metadata holds", async function () {
      const f = await loadFixture(deployLedger);
      const hostile = '{"a":1},"issuer":"0x0000000000000000000000000000000000000bad","x":"\\\n';
      const request = issueRequest({ tokenType: TokenType.REC, issuee: f.alice.address, metadata: hostile });
      const id = await issued(f, request);
      const { properties } = await metadataOf(f, id);
      expect(properties.issuer).to.equal(f.recIssuer.address.toLowerCase());
      expect(properties.metadata).to.equal(hostile);
    });

    it("names offsets and emissions and gives them g CO2e as unit; empty metadata is null", async function () {
      const f = await loadFixture(deployLedger);
      const offset = await issued(f, issueRequest({ tokenType: TokenType.Offset, issuee: f.alice.address, metadata: "" }));
      const debt = await issued(f, issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address }));
      const o = await metadataOf(f, offset);
      const d = await metadataOf(f, debt);
      expect(o.doc.name).to.match(/offset/i);
      expect(d.doc.name).to.match(/emissions/i);
      expect([o.properties.unit, d.properties.unit]).to.deep.equal(["g CO2e", "g CO2e"]);
      expect([o.properties.tokenType, d.properties.tokenType]).to.deep.equal([TokenType.Offset, TokenType.Emissions]);
      expect(o.properties.metadata).to.equal(null);
      expect(d.properties.metadata).to.equal('{"source":"test"}');
    });

    it("returns URI metadata as is", async function () {
      const f = await loadFixture(deployLedger);
      for (const metadata of ["ipfs://bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "https://example.org/rec/7.json"]) {
        const id = await issued(f, issueRequest({ issuee: f.alice.address, metadata }));
        expect(await f.ledger.uri(id)).to.equal(metadata);
      }
    });

    it("reverts with LedgerUnknownToken for an id never issued", async function () {
      const f = await loadFixture(deployLedger);
      await expect(f.ledger.uri(5n)).to.be.revertedWithCustomError(f.ledger, "LedgerUnknownToken").withArgs(5n);
    });
  });

  describe("supportsInterface", function () {
    const ids = {
      ERC165: interfaceId(["function supportsInterface(bytes4)"]),
      ERC1155: interfaceId([
        "function balanceOf(address,uint256)",
        "function balanceOfBatch(address[],uint256[])",
        "function setApprovalForAll(address,bool)",
        "function isApprovedForAll(address,address)",
        "function safeTransferFrom(address,address,uint256,uint256,bytes)",
        "function safeBatchTransferFrom(address,address,uint256[],uint256[],bytes)",
      ]),
      ERC1155MetadataURI: interfaceId(["function uri(uint256)"]),
      AccessControl: interfaceId([
        "function hasRole(bytes32,address)",
        "function getRoleAdmin(bytes32)",
        "function grantRole(bytes32,address)",
        "function revokeRole(bytes32,address)",
        "function renounceRole(bytes32,address)",
      ]),
      AccessControlDefaultAdminRules: interfaceId([
        "function defaultAdmin()",
        "function pendingDefaultAdmin()",
        "function defaultAdminDelay()",
        "function pendingDefaultAdminDelay()",
        "function beginDefaultAdminTransfer(address)",
        "function cancelDefaultAdminTransfer()",
        "function acceptDefaultAdminTransfer()",
        "function changeDefaultAdminDelay(uint48)",
        "function rollbackDefaultAdminDelay()",
        "function defaultAdminDelayIncreaseWait()",
      ]),
    };

    it("computes the standard interface ids (sanity check of the helper)", function () {
      expect(ids.ERC165).to.equal("0x01ffc9a7");
      expect(ids.ERC1155).to.equal("0xd9b67a26");
      expect(ids.ERC1155MetadataURI).to.equal("0x0e89341c");
      expect(ids.AccessControl).to.equal("0x7965db0b");
    });

    for (const [name, id] of Object.entries(ids)) {
      it(`supports ${name} (${id})`, async function () {
        const f = await loadFixture(deployLedger);
        expect(await f.ledger.supportsInterface(id)).to.equal(true);
      });
    }

    it("supports nothing else", async function () {
      const f = await loadFixture(deployLedger);
      for (const id of ["0xffffffff", "0x00000000", "0x80ac58cd", "0x36372b07"]) {
        expect(await f.ledger.supportsInterface(id), id).to.equal(false);
      }
    });
  });
});
