import { expect } from "chai";
import { CommanderError } from "commander";
import { buildProgram } from "../../scripts/cli/index";
import {
  parseAddress, parseAmountFor, parsePeriod, parseRecordKey, parseRecordKeys, parseRole, parseSwitch, parseTokenId, parseTokenType, parseYear,
  shortId,
} from "../../scripts/cli/lib/args";
import { parseAttestationFile } from "../../scripts/cli/commands/auditor";
import { fabricRecordKey } from "../../scripts/ledger/token-id";
import { RELAY_DEFAULTS } from "../../scripts/oracle/relay";
import { parseCriteria, parseCriteriaVotes, parseProposalId, parseSupport } from "../../scripts/cli/commands/dao";
import { globalOptions } from "../../scripts/cli/lib/command";
import { UsageError, checkNetworkEnvironmentForTest } from "./helpers";

const ACCOUNT = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const ID = `0x${"ab".repeat(32)}`;

describe("command-line arguments", function () {
  describe("parseAddress", function () {
    it("accepts lower-case addresses and returns the checksummed form", function () {
      expect(parseAddress(ACCOUNT.toLowerCase(), "--to")).to.deep.equal({ ok: true, value: ACCOUNT });
    });
    for (const bad of ["0x123", "70997970C51812dc3A010C7d01b50e0d17dc79C8", "0x70997970C51812dc3A010C7d01b50e0d17dc79C9", "alice"]) {
      it(`rejects "${bad}" naming the argument`, function () {
        const r = parseAddress(bad, "--to");
        expect(r.ok).to.equal(false);
        if (!r.ok) expect(r.error).to.match(/^--to ".*": expected a 0x-prefixed 20-byte address$/);
      });
    }
    it("rejects the zero address", function () {
      const r = parseAddress(`0x${"0".repeat(40)}`, "--beneficiary");
      expect(r.ok ? "" : r.error).to.contain("--beneficiary").and.contain("zero address");
    });
  });

  describe("parseTokenId", function () {
    it("accepts a full 32-byte hex token id", function () {
      expect(parseTokenId(ID)).to.deep.equal({ ok: true, value: BigInt(ID) });
    });
    it("accepts a decimal id", function () {
      expect(parseTokenId("12345")).to.deep.equal({ ok: true, value: 12345n });
    });
    for (const bad of ["0xabc", "0x1234…abcd", `${ID}00`, "0", "-1", `0x${"0".repeat(64)}`]) {
      it(`rejects "${bad}"`, function () {
        const r = parseTokenId(bad);
        expect(r.ok ? "" : r.error).to.match(/^--id ".*": /);
      });
    }
    it("shows a short form for tables", function () {
      expect(shortId(BigInt(ID))).to.equal("0xabab…abab");
    });
  });

  describe("parseRecordKey", function () {
    it("takes a 0x 32-byte hex key as is and hashes any other text as the oracle hashes a Fabric uuid", function () {
      expect(parseRecordKey(ID.toUpperCase().replace("0X", "0x"))).to.deep.equal({ ok: true, value: ID });
      expect(parseRecordKey("6a1f0c2e-uuid-1")).to.deep.equal({ ok: true, value: fabricRecordKey("6a1f0c2e-uuid-1") });
    });
    for (const bad of ["", "0x1234", `0x${"0".repeat(64)}`]) {
      it(`rejects "${bad}" naming --record`, function () {
        const r = parseRecordKey(bad);
        expect(r.ok ? "" : r.error).to.match(/^--record/);
      });
    }
    it("refuses a record given twice", function () {
      const r = parseRecordKeys(["uuid-1", fabricRecordKey("uuid-1")]);
      expect(r.ok ? "" : r.error).to.contain("given twice");
      expect(parseRecordKeys(["uuid-1", "uuid-2"]).ok).to.equal(true);
    });
  });

  describe("attestation files", function () {
    const file = {
      format: "carbon-ledger-attestation/2", chainId: "31337", ledger: ACCOUNT, deadline: "1900000000",
      request: { tokenType: 3, issuee: ACCOUNT, amount: "5000000", fromDate: 1735689600, thruDate: 1767225599, evidenceHash: ID, records: [ID], metadata: "" },
      signers: [ACCOUNT], signatures: ["0x12"],
    };
    it("read the records and the signers", function () {
      const r = parseAttestationFile(JSON.stringify(file));
      expect(r.ok && r.value.request.records).to.deep.equal([ID]);
    });
    it("refuse a file without records, with mismatched signers, or of the old format", function () {
      const noRecords = parseAttestationFile(JSON.stringify({ ...file, request: { ...file.request, records: [] } }));
      expect(noRecords.ok ? "" : noRecords.error).to.equal('--in: field "request.records" is missing or malformed');
      const mismatch = parseAttestationFile(JSON.stringify({ ...file, signatures: [] }));
      expect(mismatch.ok ? "" : mismatch.error).to.contain('"signatures"');
      const old = parseAttestationFile(JSON.stringify({ ...file, format: "carbon-ledger-attestation/1" }));
      expect(old.ok ? "" : old.error).to.contain("sign it again with --record");
    });
  });

  describe("parseAmountFor", function () {
    it("reads RECs in energy units and offsets or emissions in mass units, exactly", function () {
      expect(parseAmountFor(1, "4.2MWh")).to.deep.equal({ ok: true, value: 4_200_000n });
      expect(parseAmountFor(2, "12.5t")).to.deep.equal({ ok: true, value: 12_500_000n });
      expect(parseAmountFor(3, "830kg")).to.deep.equal({ ok: true, value: 830_000n });
    });
    it("takes base units only with their unit written out", function () {
      expect(parseAmountFor(1, "1000Wh")).to.deep.equal({ ok: true, value: 1000n });
      expect(parseAmountFor(2, "5g")).to.deep.equal({ ok: true, value: 5n });
    });
    const cases: [number, string, RegExp][] = [
      [2, "-5t", /--amount "-5t": must not be negative/],
      [2, "abc", /--amount "abc": expected a number with a unit/],
      [2, "5 parsecs", /--amount unit "parsecs": use g, kg, t/],
      [1, "5t", /--amount unit "t": use Wh, kWh, MWh, GWh/],
      [2, "0kg", /--amount "0kg": must be greater than zero/],
      [2, "0.0001kg", /finer than 1 g/],
      [1, "1000", /^--amount "1000": give a unit, one of Wh, kWh, MWh, GWh \(e\.g\. 4\.2MWh; Wh for base units\)$/],
      [2, "5", /^--amount "5": give a unit, one of g, kg, t/],
    ];
    for (const [type, text, message] of cases) {
      it(`rejects "${text}" for type ${type}`, function () {
        const r = parseAmountFor(type, text);
        expect(r.ok ? "" : r.error).to.match(message);
      });
    }
  });

  describe("parsePeriod", function () {
    it("covers whole UTC days", function () {
      expect(parsePeriod("2025-01-01", "2025-01-01")).to.deep.equal({ ok: true, value: { fromDate: 1735689600, thruDate: 1735775999 } });
    });
    it("names the date that is malformed or not a calendar date", function () {
      const a = parsePeriod("2025-13-01", "2025-12-31");
      expect(a.ok ? "" : a.error).to.equal('--from-date "2025-13-01": not a calendar date');
      const b = parsePeriod("2025-01-01", "31/12/2025");
      expect(b.ok ? "" : b.error).to.equal('--thru-date "31/12/2025": expected YYYY-MM-DD (UTC)');
    });
    it("refuses a period that ends before it starts", function () {
      const r = parsePeriod("2025-02-01", "2025-01-31");
      expect(r.ok ? "" : r.error).to.contain("--thru-date").and.contain("must not be before --from-date");
    });
  });

  describe("names and switches", function () {
    it("parses token types, roles, years and switches, naming the argument when wrong", function () {
      expect(parseTokenType("Offset")).to.deep.equal({ ok: true, value: 2 });
      expect(parseTokenType("nft")).to.deep.equal({ ok: false, error: '--type "nft": expected rec, offset or emissions' });
      expect(parseRole("auditor")).to.deep.equal({ ok: true, value: "auditor" });
      expect(parseRole("king").ok).to.equal(false);
      expect(parseYear("25")).to.deep.equal({ ok: false, error: '--year "25": expected a year such as 2025' });
      expect(parseSwitch("off", "--set")).to.deep.equal({ ok: true, value: false });
      expect(parseSwitch("maybe", "--set").ok).to.equal(false);
    });
    it("parses DAO votes, criteria and proposal ids", function () {
      expect(parseSupport("For")).to.deep.equal({ ok: true, value: "for" });
      expect(parseSupport("yes")).to.deep.equal({ ok: false, error: '--support "yes": expected for, against or abstain' });
      expect(parseCriteriaVotes("for,against,abstain")).to.deep.equal({ ok: true, value: ["for", "against", "abstain"] });
      expect(parseCriteriaVotes("for,,against").ok).to.equal(false);
      expect(parseCriteria("additionality, permanence")).to.deep.equal({ ok: true, value: ["additionality", "permanence"] });
      expect(parseCriteria("a,,b").ok).to.equal(false);
      expect(parseProposalId("1234567890123456789012345678901234567890")).to.deep.equal({ ok: true, value: 1234567890123456789012345678901234567890n });
      expect(parseProposalId("proposal-1").ok).to.equal(false);
    });
  });

  describe("the program", function () {
    async function parse(argv: string[]): Promise<CommanderError | undefined> {
      const program = buildProgram({ writeOut: () => undefined, writeErr: () => undefined });
      try {
        await program.parseAsync(["node", "cli", ...argv]);
        return undefined;
      } catch (error) {
        if (error instanceof CommanderError) return error;
        throw error;
      }
    }
    it("has --help on every command", async function () {
      const program = buildProgram();
      const leaves: string[][] = [];
      const walk = (cmd: typeof program, path: string[]): void => {
        if (cmd.commands.length === 0) leaves.push(path);
        for (const c of cmd.commands) walk(c as typeof program, [...path, c.name()]);
      };
      walk(program, []);
      expect(leaves.length).to.be.greaterThan(25);
      for (const path of leaves) {
        const e = await parse([...path, "--help"]);
        expect(e?.exitCode, path.join(" ")).to.equal(0);
      }
    });
    it("treats a missing required option as a usage error naming it", async function () {
      const e = await parse(["holder", "retire", "--id", ID]);
      expect(e?.message).to.match(/required option '--amount <amount>' not specified/);
    });
    it("treats an unknown option as a usage error", async function () {
      const e = await parse(["holder", "show", "--id", ID, "--colour", "red"]);
      expect(e?.message).to.contain("unknown option '--colour'");
    });
    it("auditor relay defaults to the oracle's period (one rule for both)", function () {
      const program = buildProgram();
      const relay = program.commands.find((c) => c.name() === "auditor")?.commands.find((c) => c.name() === "relay");
      const verify = program.commands.find((c) => c.name() === "auditor")?.commands.find((c) => c.name() === "verify");
      for (const cmd of [relay, verify]) {
        const period = cmd?.options.find((o) => o.long === "--period");
        expect(period?.defaultValue).to.equal(RELAY_DEFAULTS.period);
      }
      expect(RELAY_DEFAULTS.period).to.equal("month");
    });
    it("auditor issue of emissions without --record is a usage error naming it, before any connection", async function () {
      const errors: string[] = [];
      const saved = console.error;
      const savedCode = process.exitCode;
      console.error = (...args: unknown[]) => { errors.push(args.map(String).join(" ")); };
      try {
        await buildProgram().parseAsync(["node", "cli", "auditor", "issue", "--type", "emissions", "--to", ACCOUNT, "--amount", "5t",
          "--from-date", "2025-01-01", "--thru-date", "2025-12-31", "--evidence-hash", ID, "--network", "localhost"]);
        expect(process.exitCode).to.equal(2);
      } finally {
        console.error = saved;
        process.exitCode = savedCode;
      }
      expect(errors).to.have.length(1);
      expect(errors[0]).to.match(/^error: --record: audited emissions must name the records they total/);
    });
    it("reads the common options", function () {
      expect(globalOptions({ network: "chiado", from: "2", yes: true })).to.deep.equal({ network: "chiado", from: "2", keyEnv: undefined, yes: true, json: false });
    });
  });

  describe("live networks", function () {
    it("refuse to run without the RPC URL, naming the variable", function () {
      expect(() => checkNetworkEnvironmentForTest("chiado", {})).to.throw(UsageError, "set CHIADO_RPC_URL");
    });
    it("refuse to send without the key, naming the variable and never its value", function () {
      expect(() => checkNetworkEnvironmentForTest("gnosis", { GNOSIS_RPC_URL: "https://rpc.example" })).to.throw(UsageError, "set DEPLOYER_PRIVATE_KEY");
      expect(() => checkNetworkEnvironmentForTest("sepolia", { SEPOLIA_RPC_URL: "https://rpc.example", AUDITOR_KEY: "" }, "AUDITOR_KEY")).to.throw(UsageError, "set AUDITOR_KEY");
    });
    it("refuse an unknown network", function () {
      expect(() => checkNetworkEnvironmentForTest("mainnet", {})).to.throw(UsageError, '--network "mainnet": expected one of');
    });
    it("need nothing for local networks", function () {
      expect(() => checkNetworkEnvironmentForTest("localhost", {})).not.to.throw();
    });
  });
});
