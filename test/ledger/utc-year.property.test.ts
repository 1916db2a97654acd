import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { utcYear } from "../helpers/dates";

/** Timestamps the library must handle: unix seconds in [0, 2^40). */
const LIMIT = 2n ** 40n;
const LAST_YEAR = utcYear(LIMIT - 1n);

async function deployUtcYear() {
  const utcYearMock = await ethers.deployContract("UtcYearMock");
  return { utcYearMock };
}

/** Seconds at 00:00:00 UTC of a calendar date. */
const at = (year: number, monthIndex: number, day: number): bigint => BigInt(Date.UTC(year, monthIndex, day) / 1000);

const inRange = (ts: bigint): boolean => ts >= 0n && ts < LIMIT;

/** Any timestamp in range, uniformly. */
const anyTimestamp = fc.bigInt({ min: 0n, max: LIMIT - 1n });

/** A few seconds either side of a New Year midnight. */
const nearNewYear = fc
  .record({ year: fc.integer({ min: 1970, max: LAST_YEAR }), delta: fc.integer({ min: -3, max: 2 }) })
  .map(({ year, delta }) => at(year, 0, 1) + BigInt(delta))
  .filter(inRange);

/** Around 28 Feb / 29 Feb / 1 Mar midnights, leap years and century years included. */
const nearLeapDay = fc
  .record({
    year: fc.oneof(
      fc.integer({ min: 1970, max: LAST_YEAR }),
      fc.integer({ min: 20, max: Math.floor(LAST_YEAR / 100) }).map((c) => c * 100),
      fc.integer({ min: 493, max: Math.floor(LAST_YEAR / 4) }).map((q) => q * 4),
    ),
    day: fc.constantFrom(28, 29, 30), // 30 Feb is 1 or 2 Mar, by Date.UTC's rollover
    delta: fc.integer({ min: -2, max: 2 }),
  })
  .map(({ year, day, delta }) => at(year, 1, day) + BigInt(delta))
  .filter(inRange);

const timestamp = fc.oneof(anyTimestamp, nearNewYear, nearLeapDay, fc.constantFrom(0n, LIMIT - 1n, 951_782_400n));

describe("UtcYear", function () {
  it("yearOf agrees with JavaScript's getUTCFullYear over [0, 2^40), year ends and leap days", async function () {
    const { utcYearMock } = await loadFixture(deployUtcYear);
    await fc.assert(
      fc.asyncProperty(timestamp, async (ts) => {
        expect(await utcYearMock.yearOf(ts)).to.equal(BigInt(utcYear(ts)));
      }),
      { numRuns: 600 },
    );
  });

  it("yearOf knows the turns of the years it is most used for", async function () {
    const { utcYearMock } = await loadFixture(deployUtcYear);
    expect(await utcYearMock.yearOf(0)).to.equal(1970);
    for (const year of [1971, 2000, 2001, 2024, 2025, 2100]) {
      expect(await utcYearMock.yearOf(at(year, 0, 1))).to.equal(year);
      expect(await utcYearMock.yearOf(at(year, 0, 1) - 1n)).to.equal(year - 1);
    }
    expect(await utcYearMock.yearOf(at(2024, 1, 29) + 86_399n)).to.equal(2024); // last second of a leap day
  });

  it("attributedYear is the year of the period's midpoint, rounded down", async function () {
    const { utcYearMock } = await loadFixture(deployUtcYear);
    const period = fc
      .tuple(fc.bigInt({ min: 0n, max: 2n ** 40n - 1n }), fc.bigInt({ min: 0n, max: 2n ** 40n - 1n }))
      .map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [bigint, bigint]);
    await fc.assert(
      fc.asyncProperty(period, async ([fromDate, thruDate]) => {
        const midpoint = fromDate + (thruDate - fromDate) / 2n;
        expect(await utcYearMock.attributedYear(fromDate, thruDate)).to.equal(BigInt(utcYear(midpoint)));
      }),
      { numRuns: 200 },
    );
  });
});
