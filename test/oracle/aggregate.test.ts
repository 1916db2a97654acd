import { createHash } from "node:crypto";
import { expect } from "chai";
import fc from "fast-check";
import { AbiCoder, concat, keccak256, toBeHex, toUtf8Bytes, zeroPadBytes, zeroPadValue } from "ethers";
import { aggregate, metadataOf, reportingPeriod } from "../../scripts/oracle/aggregate";
import { EVIDENCE_VERSION, evidenceHash, partyCommitment } from "../../scripts/oracle/evidence-hash";
import type { ValidRecord } from "../../scripts/oracle/records";
import { validateRecord } from "../../scripts/oracle/records";

const SALT = "test salt";

/** Naive reference: grams from a decimal string by moving the decimal point (no units library). */
function naiveGrams(amount: string, uom: "kg" | "t"): bigint {
  const decimals = uom === "kg" ? 3 : 6;
  const [whole, frac = ""] = amount.split(".");
  return BigInt(`${whole}${frac.padEnd(decimals, "0")}`);
}

/** Naive reference: "YYYY-MM" of the midpoint, computed with Date on the day strings. */
function naiveMonth(from: string, thru: string): string {
  const a = Date.parse(`${from}T00:00:00Z`);
  const b = Date.parse(`${thru}T23:59:59Z`);
  const mid = a + Math.floor((b - a) / 2000) * 1000;
  return new Date(mid).toISOString().slice(0, 7);
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const arbRecord = fc
  .record({
    uuid: fc.uuid(),
    party: fc.constantFrom("p1", "p2", "p3"),
    start: fc.integer({ min: Date.UTC(2020, 0, 1) / 86_400_000, max: Date.UTC(2026, 0, 1) / 86_400_000 }),
    days: fc.integer({ min: 0, max: 120 }),
    whole: fc.bigInt({ min: 0n, max: 10n ** 9n }),
    frac: fc.string({ unit: fc.constantFrom(..."0123456789".split("")), maxLength: 6 }),
    uom: fc.constantFrom("kg" as const, "t" as const),
    source: fc.constantFrom("eGRID2022", "EEA2023"),
  })
  .map((r) => {
    const frac = r.uom === "kg" ? r.frac.slice(0, 3) : r.frac;
    const amount = frac === "" ? r.whole.toString() : `${r.whole}.${frac}`;
    return {
      raw: {
        uuid: r.uuid, utilityId: "U", partyId: r.party,
        fromDate: day(r.start * 86_400_000), thruDate: day((r.start + r.days) * 86_400_000),
        emissionsAmount: amount, emissionsUom: r.uom,
        renewableEnergyUseAmount: "0", nonrenewableEnergyUseAmount: "1", energyUseUom: "kWh",
        factorSource: r.source, md5: keccak256(toUtf8Bytes(r.uuid)).slice(2, 34),
      },
      amount,
      uom: r.uom,
    };
  });

const valid = (raw: unknown): ValidRecord => {
  const v = validateRecord(raw);
  if (!v.ok) throw new Error(v.error);
  return v.value;
};

describe("oracle aggregation", function () {
  it("sums exactly, per party and month of the midpoint (property, vs a naive reference)", function () {
    fc.assert(
      fc.property(fc.uniqueArray(arbRecord, { minLength: 1, maxLength: 40, selector: (r) => r.raw.uuid }), (rs) => {
        const expected = new Map<string, bigint>();
        for (const r of rs) {
          const key = `${r.raw.partyId} ${naiveMonth(r.raw.fromDate, r.raw.thruDate)}`;
          expected.set(key, (expected.get(key) ?? 0n) + naiveGrams(r.amount, r.uom));
        }
        const totals = aggregate(rs.map((r) => valid(r.raw)), "month", SALT);
        const actual = new Map(totals.map((t) => [`${t.partyId} ${day(t.fromDate * 1000).slice(0, 7)}`, t.grams]));
        expect(actual).to.deep.equal(expected);
        for (const t of totals) {
          const p = reportingPeriod(t.fromDate, "month");
          expect([t.fromDate, t.thruDate]).to.deep.equal([p.fromDate, p.thruDate]);
          expect(new Date((t.thruDate + 1) * 1000).getUTCDate()).to.equal(1);
        }
      }),
      { numRuns: 150 },
    );
  });

  it("spans a party's records for --period range, and groups by year for --period year", function () {
    const rs = [
      valid({ ...base, uuid: "a", fromDate: "2023-01-05", thruDate: "2023-02-03" }),
      valid({ ...base, uuid: "b", fromDate: "2023-11-20", thruDate: "2024-01-10" }),
    ];
    const [range] = aggregate(rs, "range", SALT);
    expect(range?.fromDate).to.equal(Date.UTC(2023, 0, 5) / 1000);
    expect(range?.thruDate).to.equal(Date.UTC(2024, 0, 10, 23, 59, 59) / 1000);
    expect(range?.grams).to.equal(2_000n);
    const years = aggregate(rs, "year", SALT);
    expect(years.map((t) => [t.fromDate, t.thruDate])).to.deep.equal([[Date.UTC(2023, 0, 1) / 1000, Date.UTC(2024, 0, 1) / 1000 - 1]]);
  });

  it("attributes a record straddling months to the month of its midpoint", function () {
    const [t] = aggregate([valid({ ...base, fromDate: "2023-01-20", thruDate: "2023-02-28" })], "month", SALT);
    expect(day((t?.fromDate ?? 0) * 1000)).to.equal("2023-02-01");
  });

  it("writes short metadata: record count, records without document and a digest of the factor sources, within 31 bytes", function () {
    const json = JSON.stringify({ uuid: "US-RFCE-PECO", usage: 4873.26, usageUOM: "kWh", note: "x".repeat(150) });
    const rs = [valid({ ...base, uuid: "a", factorSource: "eGRID2022" }), valid({ ...base, uuid: "b", factorSource: json, md5: "" })];
    const digest = createHash("sha256").update(["eGRID2022", json].sort().join("\n")).digest("hex").slice(0, 8);
    expect(metadataOf(rs)).to.equal(`{"n":2,"d":1,"f":"${digest}"}`);
    expect(metadataOf([...rs].reverse())).to.equal(metadataOf(rs));
    expect(Buffer.byteLength(metadataOf(rs))).to.be.at.most(31);
    const many = Array.from({ length: 99 }, (_, i) => valid({ ...base, uuid: `u${i}`, factorSource: `${json}${i}`, md5: "" }));
    expect(Buffer.byteLength(metadataOf(many))).to.be.at.most(31);
  });
});

const base = {
  uuid: "u", utilityId: "U", partyId: "p1", fromDate: "2023-03-01", thruDate: "2023-03-31",
  emissionsAmount: "1", emissionsUom: "kg", renewableEnergyUseAmount: "0", nonrenewableEnergyUseAmount: "0",
  energyUseUom: "kWh", factorSource: "eGRID2022", md5: "0".repeat(32),
};

describe("oracle evidence hash", function () {
  const c = partyCommitment(SALT, "p1");
  const recs = [
    { uuid: "b-2", documentHash: "0x" + "11".repeat(16) },
    { uuid: "a-1", documentHash: "0x" + "22".repeat(32) },
    { uuid: "c-3", documentHash: "0x" + "33".repeat(16) },
  ];
  const h = evidenceHash(c, 100, 200, recs);

  it("matches a hand-built ABI encoding of the documented layout", function () {
    const word = (v: bigint | number) => zeroPadValue(toBeHex(v), 32);
    const sorted = [...recs].sort((x, y) => (x.uuid < y.uuid ? -1 : 1));
    const tuples = sorted.map((r) => {
      const data = r.documentHash;
      const len = (data.length - 2) / 2;
      const padded = zeroPadBytes(data, Math.ceil(len / 32) * 32);
      return concat([keccak256(toUtf8Bytes(r.uuid)), word(64), word(len), padded]);
    });
    const offsets: string[] = [];
    let at = 32 * tuples.length;
    for (const t of tuples) {
      offsets.push(word(at));
      at += (t.length - 2) / 2;
    }
    const encoded = concat([EVIDENCE_VERSION, c, word(100), word(200), word(160), word(tuples.length), ...offsets, ...tuples]);
    expect(keccak256(encoded)).to.equal(h);
    expect(partyCommitment(SALT, "p1")).to.equal(keccak256(AbiCoder.defaultAbiCoder().encode(["string", "string"], [SALT, "p1"])));
  });

  it("equals ethers' AbiCoder encoding for any records, salts and party ids (property: the hand-written encoder)", function () {
    const coder = AbiCoder.defaultAbiCoder();
    const hex = (bytes: number[]) => "0x" + Buffer.from(bytes).toString("hex");
    fc.assert(
      fc.property(
        fc.string(), fc.string({ unit: "grapheme" }), fc.integer({ min: 0, max: 2 ** 40 - 1 }), fc.integer({ min: 0, max: 2 ** 40 - 1 }),
        fc.uniqueArray(fc.record({ uuid: fc.string({ unit: "grapheme", minLength: 1 }), doc: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 70 }) }), { selector: (r) => r.uuid, maxLength: 12 }),
        (salt, party, from, thru, rs) => {
          const commitment = partyCommitment(salt, party);
          expect(commitment).to.equal(keccak256(coder.encode(["string", "string"], [salt, party])));
          const records = rs.map((r) => ({ uuid: r.uuid, documentHash: hex(r.doc) }));
          const sorted = [...records].sort((x, y) => Buffer.compare(Buffer.from(x.uuid, "utf8"), Buffer.from(y.uuid, "utf8")));
          const reference = keccak256(coder.encode(["bytes32", "bytes32", "uint40", "uint40", "tuple(bytes32,bytes)[]"],
            [EVIDENCE_VERSION, commitment, from, thru, sorted.map((r) => [keccak256(toUtf8Bytes(r.uuid)), r.documentHash])]));
          expect(evidenceHash(commitment, from, thru, records)).to.equal(reference);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("does not depend on record order (property)", function () {
    fc.assert(
      fc.property(fc.shuffledSubarray(recs, { minLength: 3, maxLength: 3 }), (shuffled) => {
        expect(evidenceHash(c, 100, 200, shuffled)).to.equal(h);
      }),
    );
  });

  it("changes with every field it covers", function () {
    const variants = [
      evidenceHash(partyCommitment(SALT, "p2"), 100, 200, recs),
      evidenceHash(partyCommitment("other salt", "p1"), 100, 200, recs),
      evidenceHash(c, 101, 200, recs),
      evidenceHash(c, 100, 201, recs),
      evidenceHash(c, 100, 200, recs.slice(1)),
      evidenceHash(c, 100, 200, [{ ...recs[0]!, uuid: "b-3" }, ...recs.slice(1)]),
      evidenceHash(c, 100, 200, [{ ...recs[0]!, documentHash: "0x" + "12".repeat(16) }, ...recs.slice(1)]),
      evidenceHash(c, 100, 200, [...recs, { uuid: "d-4", documentHash: "0x" + "44".repeat(16) }]),
    ];
    expect(new Set([h, ...variants]).size).to.equal(variants.length + 1);
  });

  it("is the same for the same records through aggregation, whatever the input order (property)", function () {
    fc.assert(
      fc.property(fc.uniqueArray(arbRecord, { minLength: 1, maxLength: 15, selector: (r) => r.raw.uuid }), fc.nat(), (rs, seed) => {
        const a = aggregate(rs.map((r) => valid(r.raw)), "month", SALT);
        const shuffled = [...rs].sort((x, y) => ((x.raw.uuid.charCodeAt(seed % 36) || 0) - (y.raw.uuid.charCodeAt(seed % 36) || 0)));
        const b = aggregate(shuffled.map((r) => valid(r.raw)), "month", SALT);
        expect(b.map((t) => t.evidenceHash)).to.deep.equal(a.map((t) => t.evidenceHash));
      }),
      { numRuns: 50 },
    );
  });
});
