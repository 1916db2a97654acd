/** The formatting and decoding shared by the command line and the web app (scripts/lib/format, commitment, units). */
import { expect } from "chai";
import { Interface, id as keccakText, solidityPackedKeccak256 } from "ethers";
import { nameCommitment, randomSalt } from "../../scripts/lib/commitment";
import {
  afterRetirement, certificateSerial, formatArgs, formatCall, formatDuration, formatDateTime, hex32, percent, quantityOfType,
} from "../../scripts/lib/format";
import { formatAmount, parseAmount } from "../../scripts/lib/units";

describe("shared formatting (CLI and app)", () => {
  it("commits to a name exactly as Solidity's keccak256(abi.encodePacked(name, salt))", () => {
    const salt = keccakText("salt");
    for (const name of ["ACME Manufacturing", "", "Zürich Öko AG ✓"]) {
      expect(nameCommitment(name, salt)).to.equal(solidityPackedKeccak256(["string", "bytes32"], [name, salt]));
    }
    expect(randomSalt()).to.match(/^0x[0-9a-f]{64}$/);
    expect(() => nameCommitment("x", "0x12")).to.throw(/expected 0x \+ 64 hex digits/);
  });

  it("formats a custom error in base units for the CLI and in human units for the app", () => {
    const iface = new Interface(["error LedgerInsufficientAvailable(address holder, uint256 id, uint256 available, uint256 needed)"]);
    const holder = "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65";
    const data = iface.encodeErrorResult("LedgerInsufficientAvailable", [holder, 5n, 4_200_000n, 5_000_000n]);
    const d = iface.parseError(data);
    if (d === null) throw new Error("not decoded");
    const args = [...d.args];
    expect(formatCall(d.name, d.fragment.inputs, args)).to.equal(
      `LedgerInsufficientAvailable(holder=${holder}, id=${hex32(5n)}, available=4200000, needed=5000000)`,
    );
    expect(formatCall(d.name, d.fragment.inputs, args, { quantity: "mass" }, true)).to.equal(
      `LedgerInsufficientAvailable(holder=${holder}, id=${hex32(5n)}, available=4.2 t CO2e, needed=5 t CO2e)`,
    );
  });

  it("decodes a proposal action with contract names, roles, structs and dates in human units", () => {
    const iface = new Interface([
      "function issue((uint8 tokenType, address issuee, uint256 amount, uint40 fromDate, uint40 thruDate, bytes32 evidenceHash, bytes32[] records, string metadata) request)",
      "function grantRole(bytes32 role, address account)",
      "function setVotingPeriod(uint32 newVotingPeriod)",
    ]);
    const ledger = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    const ctx = { names: { [ledger.toLowerCase()]: "CarbonLedger" }, roles: { [keccakText("REC_ISSUER_ROLE")]: "REC_ISSUER_ROLE" } };
    const issue = iface.parseTransaction({ data: iface.encodeFunctionData("issue", [{
      tokenType: 2, issuee: ledger, amount: 2_500_000_000n, fromDate: 1672531200, thruDate: 1704067199, evidenceHash: keccakText("e"), records: [], metadata: "{}",
    }]) });
    if (issue === null) throw new Error("not decoded");
    const [shown] = formatArgs(issue.fragment.inputs, [...issue.args], ctx, true);
    expect(shown?.value).to.contain("amount: 2,500 t CO2e").and.contain("fromDate: 2023-01-01").and.contain("thruDate: 2023-12-31")
      .and.contain(`issuee: CarbonLedger (${ledger})`).and.contain('metadata: "{}"');
    const grant = iface.parseTransaction({ data: iface.encodeFunctionData("grantRole", [keccakText("REC_ISSUER_ROLE"), ledger]) });
    if (grant === null) throw new Error("not decoded");
    expect(formatCall(grant.name, grant.fragment.inputs, [...grant.args], ctx, true)).to.equal(`grantRole(role=REC_ISSUER_ROLE, account=CarbonLedger (${ledger}))`);
    const period = iface.parseTransaction({ data: iface.encodeFunctionData("setVotingPeriod", [90_000]) });
    if (period === null) throw new Error("not decoded");
    expect(formatCall(period.name, period.fragment.inputs, [...period.args], {}, true)).to.equal("setVotingPeriod(newVotingPeriod=1 d 1 h)");
  });

  it("formats durations, dates, serials and shares", () => {
    expect(formatDuration(0)).to.equal("0 s");
    expect(formatDuration(59)).to.equal("59 s");
    expect(formatDuration(3_725)).to.equal("1 h 2 min");
    expect(formatDuration(-5)).to.equal("0 s");
    expect(formatDateTime(1_700_000_000)).to.equal("2023-11-14 22:13 UTC");
    expect(certificateSerial(31337, 42, 3, "0xabcdef0123456789")).to.equal("NES-31337-00000042-003-ABCDEF01");
    expect(percent(1n, 3n)).to.equal(33.3);
    expect(percent(5n, 0n)).to.equal(100);
    expect(percent(7n, 5n)).to.equal(100);
  });

  it("previews a retirement's effect on the net position (offsets lower it, RECs do not)", () => {
    const before = { emissions: 10n, offsetsRetired: 2n, recsRetired: 0n, netPosition: 8n };
    expect(afterRetirement(before, 2, 5n)).to.deep.equal({ emissions: 10n, offsetsRetired: 7n, recsRetired: 0n, netPosition: 3n });
    expect(afterRetirement(before, 1, 5n)).to.deep.equal({ ...before, recsRetired: 5n });
    expect(quantityOfType(1)).to.equal("energy");
    expect(quantityOfType(2)).to.equal("mass");
  });

  it("parses and formats amounts in human units, refusing wrong units", () => {
    expect(parseAmount("12.5t", "mass")).to.deep.equal({ ok: true, value: 12_500_000n });
    const wrong = parseAmount("3 MWh", "mass");
    expect(wrong.ok).to.equal(false);
    expect(formatAmount(-1_500_000n, "mass")).to.equal("-1.5 t CO2e");
  });
});
