/**
 * The oracle against the chaincode as deployed (../shared/FABRIC.md), without a chain: 97 representative records
 * read from a query dump, a REST export, CSV and the stand-in gateway (nothing valid quarantined, totals equal to an
 * independent computation); exact selection at range and chunk bounds; paging through more than 10,000 records;
 * a write-back that leaves the chaincode's own per-party queries whole.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { FabricOptions } from "../../scripts/oracle/fabric-source";
import { FABRIC_DEFAULTS, FabricSource } from "../../scripts/oracle/fabric-source";
import { parseCsvExport, parseJsonExport, CSV_FIELDS } from "../../scripts/oracle/file-source";
import { aggregate } from "../../scripts/oracle/aggregate";
import { validateRecords } from "../../scripts/oracle/records";
import { fabricPartyId as fabricPartyIdOf, mapParties, parsePartyBook } from "../../scripts/oracle/parties";
import { asQueryDump, asRestExport, generateRecords, makeParties, partiesFile, toCsv } from "../../scripts/oracle/sample";
import type { SampleRecord } from "../../scripts/oracle/sample";
import { selectRecords, stringBounds } from "../../scripts/oracle/select";
import type { QueryOutcome } from "../../scripts/oracle/select";
import type { Pem, StandIn } from "./helpers/fabric-server";
import { makePki, startFabric } from "./helpers/fabric-server";
import { PARTIES, chaincodeRecords } from "./helpers/chaincode-records";
import { expectedMonthlyTotals } from "./helpers/oracle";

const SALT = "a long enough operator salt";
const RAW_IDS = PARTIES.map((p) => p.partyId);
const uuidsOf = (rs: readonly unknown[]) => rs.map((r) => String((r as { uuid: unknown }).uuid)).sort();
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/** What the oracle makes of raw records (validate, map, aggregate by month), for comparison. */
function oracleTotals(records: readonly unknown[], rawIds: readonly string[] = RAW_IDS) {
  const v = validateRecords(records);
  const book = parsePartyBook(partiesFile(rawIds.map((partyId) => ({ partyId, utilities: [] }))), "parties.json");
  if (!book.ok) throw new Error(book.error);
  const m = mapParties(v.valid, book.value, "parties.json");
  return { quarantined: [...v.quarantined, ...m.quarantined], valid: m.mapped, totals: aggregate(m.mapped, "month", SALT) };
}

function expectExact(records: readonly unknown[], reference: readonly SampleRecord[]) {
  const o = oracleTotals(records);
  expect(o.quarantined).to.deep.equal([]);
  expect(o.valid).to.have.length(reference.length);
  const expected = expectedMonthlyTotals(reference, SALT, RAW_IDS);
  const got = new Map(o.totals.map((t) => [t.evidenceHash, t.grams]));
  expect(o.totals).to.have.length(expected.length);
  for (const t of expected) expect(got.get(t.evidenceHash), `total ${t.partyId} ${t.fromDate}`).to.equal(t.grams);
  return o;
}

describe("oracle on the chaincode's records", function () {
  this.timeout(120_000);
  const records = chaincodeRecords();
  let pki: { ca: Pem; server: Pem; client: Pem };
  let dir: string;
  const files: Record<string, string> = {};

  before(async function () {
    pki = await makePki("peer0.auditor1.example");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "oracle-chaincode-"));
    for (const [name, text] of Object.entries({ ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key })) {
      files[name] = path.join(dir, `${name}.pem`);
      fs.writeFileSync(files[name] as string, text);
    }
  });
  after(function () {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const open = (fabric: StandIn, over: Partial<FabricOptions> = {}): FabricSource => {
    const s = FabricSource.open({
      ...FABRIC_DEFAULTS, peerEndpoint: `127.0.0.1:${fabric.port}`, tlsCertPath: files.ca as string, mspId: "auditor1",
      certPath: files.cert as string, keyPath: files.key as string, timeoutMs: 20_000, ...over,
    });
    if (!s.ok) throw new Error(s.error);
    return s.value;
  };

  describe("97 representative records", function () {
    it("has the shapes the issue lists", function () {
      expect(records).to.have.length(97);
      expect(records.every((r) => !("emissionsUom" in r) && r.tokenId === null && /^[0-9a-f]{64}$/.test(String(r.partyId)))).to.equal(true);
      expect(records.filter((r) => r.md5 === "").length).to.be.greaterThan(5);
      expect(records.some((r) => String(r.factorSource).length > 170)).to.equal(true);
      expect(records.filter((r) => r.thruDate === "2023-12-31T23:59:59Z").length).to.be.at.least(2);
    });
    it("are all read from a query dump [{Key, Record}], minted totals exact", function () {
      const p = parseJsonExport(JSON.stringify(asQueryDump(records)), "dump.json");
      if (!p.ok) throw new Error(p.error);
      const o = expectExact(p.value.records, records);
      expect(o.valid.filter((r) => !r.hasDocument).length).to.equal(records.filter((r) => r.md5 === "").length);
    });
    it("are all read from the REST export (a bare list without class and key)", function () {
      const p = parseJsonExport(JSON.stringify(asRestExport(records)), "rest.json");
      if (!p.ok) throw new Error(p.error);
      expectExact(p.value.records, records);
    });
    it("are all read from CSV, giving the same records as JSON", function () {
      const c = parseCsvExport(toCsv(records, CSV_FIELDS), "export.csv");
      if (!c.ok) throw new Error(c.error);
      const o = expectExact(c.value.records, records);
      expect(o.valid).to.deep.equal(oracleTotals(records).valid);
    });
    it("are all read through the Fabric Gateway for --from 2023-01-01 --thru 2023-12-31, each once", async function () {
      const fabric = await startFabric(pki, clone(records) as Record<string, unknown>[]);
      const source = open(fabric);
      try {
        const r = await source.select("2023-01-01", "2023-12-31");
        if (!r.ok) throw new Error(r.error);
        expect(uuidsOf(r.value.records)).to.deep.equal(uuidsOf(records));
        expectExact(r.value.records, records);
      } finally {
        source.close();
        await fabric.stop();
      }
    });
  });

  describe("selection", function () {
    const bill = (uuid: string, fromDate: string, thruDate: string) => ({ ...clone(records[0] as SampleRecord), uuid, fromDate, thruDate });
    const local = (rs: Record<string, unknown>[]) => async (from: string, thru: string): Promise<QueryOutcome> =>
      ({ ok: true, records: rs.filter((r) => String(r.fromDate) >= from && String(r.thruDate) <= thru).map((r) => ({ Key: r.uuid, Record: r })) });

    it("bounds select whole days in the chaincode's string order", function () {
      const b = stringBounds(Date.UTC(2023, 0, 1) / 86_400_000, Date.UTC(2023, 11, 31) / 86_400_000);
      expect(b).to.deep.equal({ from: "2023-01-01", thru: "2023-12-31\uffff" });
      for (const t of ["2023-12-31", "2023-12-31T23:59:59Z", "2023-12-31T23:59:59.999Z", "2023-12-31T23:59:59"]) expect(t <= b.thru, t).to.equal(true);
      expect("2024-01-01T00:00:00Z" <= b.thru).to.equal(false);
      expect("2023-01-01T00:00:00Z" >= b.from && "2023-01-01" >= b.from).to.equal(true);
      expect("2022-12-31T23:59:59Z" >= b.from).to.equal(false);
    });
    it("keeps a bill ending on the --thru day and one starting on the --from day; a bill belongs to the range of its midpoint", async function () {
      const rs = [
        bill("end", "2023-12-01T00:00:00Z", "2023-12-31T23:59:59Z"),
        bill("start", "2023-01-01T00:00:00Z", "2023-01-31T23:59:59Z"),
        bill("into-2024", "2023-12-20T00:00:00Z", "2024-01-05T23:59:59Z"), // midpoint 2023-12-28
        bill("from-2022", "2022-12-10T00:00:00Z", "2023-01-20T23:59:59Z"), // midpoint 2022-12-30
        bill("next-year", "2023-12-25T00:00:00Z", "2024-01-31T23:59:59Z"), // midpoint 2024-01-12
      ];
      const r = await selectRecords(local(rs), "2023-01-01", "2023-12-31");
      expect(r.ok && uuidsOf(r.value.records)).to.deep.equal(["end", "into-2024", "start"]);
      const next = await selectRecords(local(rs), "2024-01-01", "2024-12-31");
      const before = await selectRecords(local(rs), "2022-01-01", "2022-12-31");
      expect([next.ok && uuidsOf(next.value.records), before.ok && uuidsOf(before.value.records)]).to.deep.equal([["next-year"], ["from-2022"]]);
    });
    it("splits a range whose answer is too large, loses no bill across a chunk bound and reads none twice", async function () {
      const rs = Array.from({ length: 60 }, (_, i) => {
        const start = Date.UTC(2023, 0, 1 + i * 6);
        const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
        return bill(`b${i}`, `${day(start)}T00:00:00Z`, `${day(start + 40 * 86_400_000)}T23:59:59Z`); // 41-day bills overlap
      });
      const inner = local(rs);
      let largest = 0;
      const limited = async (from: string, thru: string): Promise<QueryOutcome> => {
        const r = await inner(from, thru);
        if (r.ok && r.records.length > 25) return { ok: false, error: "8 RESOURCE_EXHAUSTED: Received message larger than max", tooLarge: true };
        if (r.ok) largest = Math.max(largest, r.records.length);
        return r;
      };
      const r = await selectRecords(limited, "2023-01-01", "2023-12-31", 21);
      if (!r.ok) throw new Error(r.error);
      expect(r.value.splits).to.be.greaterThan(2);
      const expected = rs.filter((b) => Date.parse(String(b.fromDate)) + 20.5 * 86_400_000 < Date.UTC(2024, 0, 1)).map((b) => b.uuid);
      expect(uuidsOf(r.value.records)).to.deep.equal([...expected].sort());
      expect(largest).to.be.at.most(25);
    });
    it("fails clearly when one day is too large even alone", async function () {
      const r = await selectRecords(async () => ({ ok: false, error: "Fabric query x: 8 RESOURCE_EXHAUSTED", tooLarge: true }), "2023-01-01", "2023-01-02", 0);
      expect(!r.ok && r.error).to.match(/RESOURCE_EXHAUSTED \(the records of 2023-01-0[12] with 0 overlap days on each side exceed the message limit/);
    });
  });

  describe("paging through more than 10,000 records (stand-in limited to gRPC's 4 MiB)", function () {
    const parties = makeParties(25, "page-org");
    const many = generateRecords({ seed: 11, parties, startYear: 2020, startMonth: 1, months: 48, metersPerParty: 10, numbers: true });
    const inRange = many.filter((r) => {
      const a = Date.parse(String(r.fromDate)) / 1000;
      const b = Date.parse(String(r.thruDate)) / 1000;
      return a + Math.floor((b - a) / 2) < Date.UTC(2023, 0, 1) / 1000;
    });

    it("one query of the whole range is refused RESOURCE_EXHAUSTED, as on the real chaincode", async function () {
      const fabric = await startFabric(pki, many as Record<string, unknown>[]);
      const source = open(fabric);
      try {
        const r = await source.query("2020-01-01", "2023-12-31\uffff");
        expect(!r.ok && r.error).to.match(/RESOURCE_EXHAUSTED/);
      } finally {
        source.close();
        await fabric.stop();
      }
    });

    it(`reads all ${many.length} records once, splitting on the server's send limit`, async function () {
      expect(many.length).to.be.greaterThan(10_000);
      const fabric = await startFabric(pki, many as Record<string, unknown>[]);
      const source = open(fabric);
      const started = Date.now();
      try {
        const events: [string, Record<string, unknown>][] = [];
        const r = await source.select("2020-01-01", "2023-12-31", undefined, (e, d) => events.push([e, d]));
        if (!r.ok) throw new Error(r.error);
        const ms = Date.now() - started;
        expect(r.value.records).to.have.length(many.length);
        expect(new Set(uuidsOf(r.value.records)).size).to.equal(many.length);
        const read = events.find(([e]) => e === "fabric-read")?.[1];
        expect(read?.splits).to.be.greaterThan(0);
        process.stdout.write(`      ${many.length} records in ${ms} ms, ${String(read?.queries)} queries, ${String(read?.splits)} splits\n`);
      } finally {
        source.close();
        await fabric.stop();
      }
    });

    it("splits on the client's receive limit too, and selects a sub-range exactly", async function () {
      const fabric = await startFabric(pki, many as Record<string, unknown>[], { sendLimitBytes: 512 * 1024 * 1024 });
      const source = open(fabric, { maxReceiveBytes: 2 * 1024 * 1024 });
      try {
        const r = await source.select("2020-01-01", "2022-12-31");
        if (!r.ok) throw new Error(r.error);
        expect(uuidsOf(r.value.records)).to.deep.equal(uuidsOf(inRange));
      } finally {
        source.close();
        await fabric.stop();
      }
    });

    it("all of them valid", function () {
      expect(validateRecords(many).quarantined).to.deep.equal([]);
    });
  });

  describe("write-back", function () {
    it("with the raw party id: the party's own queries return all its records with the token id, nothing else changed", async function () {
      const state = clone(records) as Record<string, unknown>[];
      const fabric = await startFabric(pki, state);
      const source = open(fabric);
      try {
        const ledger = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
        const before = clone(state);
        for (const raw of RAW_IDS) {
          const mine = before.filter((r) => r.partyId === fabricPartyIdOf(raw)).map((r) => String(r.uuid));
          const tokenId = `${ledger}:0x${"ab".repeat(31)}${String(RAW_IDS.indexOf(raw)).padStart(2, "0")}`;
          expect((await source.writeBack(tokenId, raw, mine)).ok).to.equal(true);
          expect((await source.writeBack(tokenId, raw, mine)).ok).to.equal(true); // idempotent
        }
        for (const raw of RAW_IDS) {
          const mine = before.filter((r) => r.partyId === fabricPartyIdOf(raw));
          const utilities = [...new Set(mine.map((r) => String(r.utilityId)))];
          const perUtility: unknown[] = [];
          for (const u of utilities) {
            const q = await source.evaluate("getAllEmissionsData", u, raw);
            if (!q.ok) throw new Error(q.error);
            perUtility.push(...(q.value as { Record: unknown }[]).map((x) => x.Record));
          }
          const byRange = await source.evaluate("getAllEmissionsDataByDateRangeAndParty", "2022-01-01", "2024-12-31\uffff", raw);
          if (!byRange.ok) throw new Error(byRange.error);
          const ranged = (byRange.value as { Key: string; Record: Record<string, unknown> }[]).map((x) => x.Record);
          for (const found of [perUtility as Record<string, unknown>[], ranged]) {
            expect(uuidsOf(found)).to.deep.equal(uuidsOf(mine));
            for (const r of found) {
              const was = mine.find((m) => m.uuid === r.uuid) as Record<string, unknown>;
              expect(String(r.tokenId)).to.match(new RegExp(`^${ledger}:0x[0-9a-f]{64}$`));
              expect(JSON.stringify({ ...r, tokenId: null })).to.equal(JSON.stringify(was)); // every other field, byte for byte
            }
          }
        }
        const valid = await source.evaluate("getValidEmissions", ...uuidsOf(before));
        expect(valid.ok && (valid.value as { keys: string[] }).keys).to.deep.equal([]);
      } finally {
        source.close();
        await fabric.stop();
      }
    });

    it("the stand-in re-hashes the party id as the chaincode does: sending the stored hash would hide the records", async function () {
      const state = clone(records) as Record<string, unknown>[];
      const fabric = await startFabric(pki, state);
      const source = open(fabric);
      try {
        const raw = RAW_IDS[0] as string;
        const first = state.find((r) => r.partyId === fabricPartyIdOf(raw)) as Record<string, unknown>;
        const stored = String(first.partyId);
        expect((await source.writeBack("0xabc:0x01", stored, [String(first.uuid)])).ok).to.equal(true);
        const q = await source.evaluate("getAllEmissionsData", String(first.utilityId), raw);
        expect(q.ok && uuidsOf((q.value as { Record: unknown }[]).map((x) => x.Record))).to.not.include(first.uuid);
        const one = await source.evaluate("getEmissionsData", String(first.uuid));
        expect(one.ok && (one.value as { partyId: string }).partyId).to.equal(fabricPartyIdOf(stored));
      } finally {
        source.close();
        await fabric.stop();
      }
    });
  });
});

