import { expect } from "chai";
import type { RelayOptions } from "../../scripts/oracle/relay";
import { OracleError, RELAY_DEFAULTS, SAMPLE_PARTIES, relay } from "../../scripts/oracle/relay";
import { memoryReporter } from "../../scripts/oracle/reporter";

/** Settings are checked before anything is read or sent (no chain is reachable at this URL). */
const options = (over: Partial<RelayOptions>): RelayOptions => ({
  ...RELAY_DEFAULTS,
  source: { kind: "file", file: "somewhere/export.json" },
  partiesFile: SAMPLE_PARTIES,
  salt: "a long enough operator salt",
  rpcUrl: "http://127.0.0.1:1",
  network: "localhost",
  attesterKeys: [],
  dryRun: false,
  writeBack: false,
  reporter: memoryReporter(),
  ...over,
});

async function refusal(o: RelayOptions): Promise<OracleError> {
  try {
    await relay(o);
  } catch (e) {
    if (e instanceof OracleError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("oracle settings", function () {
  it("refuses to run without ORACLE_PARTY_SALT for anything but the bundled sample (exit 2)", async function () {
    const e = await refusal(options({ salt: undefined }));
    expect(e.exitCode).to.equal(2);
    expect(e.message).to.match(/^ORACLE_PARTY_SALT is not set/);
  });
  it("refuses a salt shorter than 16 characters (exit 2)", async function () {
    const e = await refusal(options({ salt: "short salt" }));
    expect([e.exitCode, e.message]).to.deep.equal([2, "ORACLE_PARTY_SALT: too short; use a random secret of at least 16 characters (e.g. 32 random hex digits)"]);
  });
  it("refuses --write-back with a file source (exit 2)", async function () {
    const e = await refusal(options({ writeBack: true }));
    expect([e.exitCode, e.message]).to.deep.equal([2, "--write-back: only with --source fabric"]);
  });
  it("refuses a batch size below 1 (exit 2)", async function () {
    const e = await refusal(options({ batchSize: 0 }));
    expect(e.exitCode).to.equal(2);
    expect(e.message).to.contain("--batch-size");
  });
  it("names the file of an unreadable export (exit 1)", async function () {
    const e = await refusal(options({}));
    expect(e.exitCode).to.equal(1);
    expect(e.message).to.match(/^--file somewhere\/export.json: cannot read/);
  });
});
