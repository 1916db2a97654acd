import { expect } from "chai";
import hre from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { id as keccakText } from "ethers";
import { inWindows } from "../../scripts/cli/lib/logs";
import { balancesOf } from "../../scripts/cli/lib/ledger";

describe("event queries in block windows", function () {
  async function fiveIssuances() {
    const [admin, issuer, holder] = await hre.ethers.getSigners();
    const ledger = await hre.ethers.deployContract("CarbonLedger", [admin.address, 1]);
    await ledger.grantRole(await ledger.REC_ISSUER_ROLE(), issuer.address);
    const start = await hre.ethers.provider.getBlockNumber();
    for (let i = 1; i <= 5; i++) {
      await ledger.connect(issuer).issue({
        tokenType: 1, issuee: holder.address, amount: BigInt(i) * 1000n, fromDate: 1735689600, thruDate: 1743465599,
        evidenceHash: keccakText(`certificate ${i}`), records: [], metadata: "",
      });
    }
    return { ledger, holder, start };
  }

  it("return the same events as one query, in block order, one request per window", async function () {
    const { ledger, start } = await loadFixture(fiveIssuances);
    const whole = await ledger.queryFilter(ledger.filters.Issued(), start);
    const windows: [number, number][] = [];
    const split = await inWindows(ledger, start, (f, t) => {
      windows.push([f, t]);
      return ledger.queryFilter(ledger.filters.Issued(), f, t);
    }, 2);
    expect(split.map((e) => e.args.id)).to.deep.equal(whole.map((e) => e.args.id));
    expect(split).to.have.length(5);
    const latest = await hre.ethers.provider.getBlockNumber();
    expect(windows[0]).to.deep.equal([start, start + 1]);
    expect(windows.at(-1)?.[1]).to.equal(latest);
    expect(windows).to.have.length(Math.ceil((latest - start + 1) / 2));
  });

  it("serve the balance listing with a small window (NES_LOG_WINDOW)", async function () {
    const { ledger, holder, start } = await loadFixture(fiveIssuances);
    const saved = process.env["NES_LOG_WINDOW"];
    process.env["NES_LOG_WINDOW"] = "1";
    try {
      const holdings = await balancesOf(ledger, holder.address, start);
      expect(holdings.map((h) => h.balance).sort()).to.deep.equal([1000n, 2000n, 3000n, 4000n, 5000n]);
    } finally {
      if (saved === undefined) delete process.env["NES_LOG_WINDOW"];
      else process.env["NES_LOG_WINDOW"] = saved;
    }
  });
});
