import { expect } from "chai";
import type { Node } from "../helpers/hardhat-node";
import { startNode } from "../helpers/hardhat-node";

/**
 * Issue 10, point 2: with no transactions a chain's clock stands still, so `npm run node` (`hardhat node`) mines a
 * block every second besides one per transaction, and proposals, deadlines and timelock delays follow the wall clock.
 */
describe("the local node's clock @slow", function () {
  this.timeout(120_000);
  let node: Node;
  before(async function () {
    node = await startNode();
  });
  after(async function () {
    await node?.stop();
  });

  it("moves with no transaction sent: blocks are mined on an interval and their time follows the wall clock", async function () {
    const first = await node.provider.getBlock("latest");
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    const later = await node.provider.getBlock("latest");
    if (first === null || later === null) throw new Error("no block");
    expect(later.number, "blocks mined without transactions").to.be.greaterThan(first.number + 1);
    expect(later.timestamp - first.timestamp, "chain seconds passed").to.be.at.least(2);
    expect(later.timestamp - first.timestamp).to.be.at.most(Math.ceil((Date.now() - started) / 1000) + 2);
    const transactions = await Promise.all([...Array(later.number - first.number).keys()].map((i) => node.provider.getBlock(first.number + 1 + i)));
    expect(transactions.every((b) => b !== null && b.transactions.length === 0), "empty blocks").to.equal(true);
  });
});
