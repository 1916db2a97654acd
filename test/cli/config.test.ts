import { expect } from "chai";
import hre from "hardhat";
import { UsageError } from "../../scripts/cli/lib/errors";
import { checkNetworkEnvironmentForTest } from "./helpers";
import { run } from "./process";

const BAD_KEY = "0xnot-a-key-but-a-secret-value";

describe("configuration", function () {
  describe("a malformed DEPLOYER_PRIVATE_KEY", function () {
    this.timeout(180_000);

    it("does not break a local Hardhat command", async function () {
      const r = await run("npx", ["hardhat", "--network", "hardhat", "help"], { DEPLOYER_PRIVATE_KEY: BAD_KEY });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stderr).not.to.include("HH8");
    });

    it("is named, not printed, by the live network that needs it", async function () {
      const r = await run("npx", ["hardhat", "--network", "sepolia", "help"], { DEPLOYER_PRIVATE_KEY: BAD_KEY });
      expect(r.code).not.to.equal(0);
      expect(r.stderr).to.include("DEPLOYER_PRIVATE_KEY: not a 32-byte hex key");
      expect(r.stderr + r.stdout).not.to.include("secret-value");
    });

    it("is refused by a command on a live network with exit 2, naming the variable", function () {
      expect(() => checkNetworkEnvironmentForTest("sepolia", { SEPOLIA_RPC_URL: "http://127.0.0.1:1", DEPLOYER_PRIVATE_KEY: BAD_KEY }))
        .to.throw(UsageError, /^DEPLOYER_PRIVATE_KEY: not a 32-byte hex key/);
    });

  });

  describe("contract verification", function () {
    it("uses Etherscan's v2 API: one key for every chain (no per-explorer keys, no deprecation warning)", function () {
      expect(hre.config.etherscan.apiKey).to.be.a("string");
    });
  });
});
