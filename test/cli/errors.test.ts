import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import type { InterfaceAbi } from "ethers";
import { id as keccakText } from "ethers";
import { decodeRevertData, describeRevert, findRevertData } from "../../scripts/cli/lib/errors";
import { idHex } from "../../scripts/cli/lib/args";
import { TOKEN_TYPE, tokenIdOf } from "../../scripts/ledger/token-id";

describe("revert decoding", function () {
  async function ledgerWithRec() {
    const [admin, issuer, holder, stranger] = await hre.ethers.getSigners();
    const ledger = await hre.ethers.deployContract("CarbonLedger", [admin.address, 1]);
    await ledger.grantRole(await ledger.REC_ISSUER_ROLE(), issuer.address);
    const evidence = keccakText("certificate 1");
    const id = tokenIdOf(TOKEN_TYPE.REC, issuer.address, evidence);
    await ledger.connect(issuer).issue({
      tokenType: 1, issuee: holder.address, amount: 4_200_000n, fromDate: 1735689600, thruDate: 1743465599, evidenceHash: evidence, records: [], metadata: "",
    });
    const abis = [(await hre.artifacts.readArtifact("CarbonLedger")).abi as InterfaceAbi];
    return { ledger, issuer, holder, stranger, id, abis };
  }
  const retirement = (beneficiary: string) => ({
    beneficiary, beneficiaryNameCommitment: keccakText("n"), fromDate: 1735689600, thruDate: 1767225599, reason: "r",
  });

  it("names a simulated custom error with its arguments", async function () {
    const { ledger, holder, id, abis } = await loadFixture(ledgerWithRec);
    const error = await ledger.connect(holder).retire.staticCall(holder.address, id, 5_000_000n, retirement(holder.address)).then(() => undefined, (e: unknown) => e);
    expect(describeRevert(error, abis)).to.equal(
      `LedgerInsufficientAvailable(holder=${holder.address}, id=${idHex(id)}, available=4200000, needed=5000000)`,
    );
  });

  it("speaks the token's units when told what the named token measures", async function () {
    const { ledger, holder, id, abis } = await loadFixture(ledgerWithRec);
    const error = await ledger.connect(holder).retire.staticCall(holder.address, id, 5_000_000n, retirement(holder.address)).then(() => undefined, (e: unknown) => e);
    expect(describeRevert(error, abis, (i) => (i === id ? "energy" : undefined))).to.equal(
      `LedgerInsufficientAvailable(holder=${holder.address}, id=${idHex(id)}, available=4.2 MWh, needed=5 MWh)`,
    );
  });

  it("decodes errors the ledger inherits (access control)", async function () {
    const { ledger, stranger, abis } = await loadFixture(ledgerWithRec);
    const error = await ledger.connect(stranger).pause.staticCall().then(() => undefined, (e: unknown) => e);
    expect(describeRevert(error, abis)).to.equal(
      `AccessControlUnauthorizedAccount(account=${stranger.address}, neededRole=${keccakText("PAUSER_ROLE")})`,
    );
  });

  it("decodes Error(string) and reports an unknown selector as such", function () {
    const reason = "0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
      + "0000000000000000000000000000000000000000000000000000000000000004" + "6f6f707300000000000000000000000000000000000000000000000000000000";
    expect(decodeRevertData(reason, [])).to.equal('Error("oops")');
    const panic = "0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011";
    expect(decodeRevertData(panic, [])).to.equal("Panic(code=0x11)");
    expect(describeRevert({ data: "0xdeadbeef" }, [])).to.equal("unknown custom error 0xdeadbeef (data 0xdeadbeef)");
  });

  it("finds revert data nested the way JSON-RPC providers nest it", function () {
    expect(findRevertData({ info: { error: { data: { data: "0x12345678aa" } } } })).to.equal("0x12345678aa");
    expect(findRevertData({ message: "no data" })).to.equal(undefined);
  });
});
