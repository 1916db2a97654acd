import { expect } from "chai";
import { LocalChain, errorLines, run } from "./process";

describe("a deployment record that outlived its chain @slow", function () {
  this.timeout(600_000);
  const chain = new LocalChain();
  const deploy = () => run("npm", ["run", "-s", "deploy", "--", "--network", "localhost", "--json"], chain.env);

  before(async function () {
    await chain.start();
    const r = await deploy();
    expect(r.code, errorLines(r).join("\n")).to.equal(0);
    await chain.restart();
  });
  after(async function () {
    await chain.cleanup();
  });

  it("is detected by a read command, which says what to do and exits non-zero", async function () {
    const r = await chain.cli(["admin", "roles"]);
    expect(r.code).to.equal(1);
    expect(errorLines(r).join("\n")).to.match(
      /localhost\.json names contracts that are not on this chain \(node restarted\?\): run `npm run -s deploy -- --network localhost` again/,
    );
    expect(r.stderr).not.to.include("BAD_DATA");
  });

  it("is detected by holder balances instead of an empty table", async function () {
    const r = await chain.cli(["holder", "balances", "--from", "4"]);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal("");
  });

  it("is deployed over by deploy on a development chain", async function () {
    const r = await deploy();
    expect(r.code, errorLines(r).join("\n")).to.equal(0);
    expect(r.stderr).to.include("deploying afresh");
    expect((JSON.parse(r.stdout) as { complete: boolean }).complete).to.equal(true);
    const roles = await chain.cli(["admin", "roles"]);
    expect(roles.code, errorLines(roles).join("\n")).to.equal(0);
  });
});
