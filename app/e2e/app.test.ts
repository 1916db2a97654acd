/**
 * The app end to end in Debian's Chromium against a Hardhat node seeded with app/e2e/seed.ts: each test is a
 * user's path, found by role and label; axe-core checks every page it opens.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { axeViolations, launch, rpc, seed, serveApp, startNode } from "./harness";
import type { Node, Seed } from "./harness";

describe("web app in Chromium", function () {
  this.timeout(120_000);
  let node: Node;
  let story: Seed;
  let app: { url: string; close(): Promise<void> };
  let browser: { context: BrowserContext; close(): Promise<void> };
  let page: Page;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-app-e2e-"));
  const audited = new Set<string>();

  before(async function () {
    this.timeout(180_000);
    node = await startNode();
    story = await seed(node, work);
    app = await serveApp(node.url, story);
    browser = await launch();
    page = await browser.context.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
    await node?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function open(route: string): Promise<void> {
    await page.goto(`${app.url}#/${route}`);
    await page.getByRole("main").waitFor();
  }
  /** axe on the page once its content is there (each page kind once). */
  async function axe(kind: string): Promise<void> {
    if (audited.has(kind)) return;
    audited.add(kind);
    const violations = await axeViolations(page);
    assert.deepEqual(violations, [], `${kind} page: ${violations.join("\n")}`);
  }
  async function actAs(who: string): Promise<void> {
    const index = ["deployer", "registrar", "auditor", "recIssuer", "acme", "bluewater", "member1", "member2", "member3", "project"].indexOf(who);
    await page.getByLabel("Development account").selectOption(String(index));
  }
  /** Selects the first token whose option label matches, once the page has listed it (the list loads after the form). */
  async function chooseToken(select: Locator, label: RegExp): Promise<void> {
    const option = select.locator("option").filter({ hasText: label }).first();
    await option.waitFor({ state: "attached" });
    await select.selectOption({ label: (await option.innerText()).trim() });
  }
  const nonce = async (who: string) => rpc(node.url, "eth_getTransactionCount", [story.accounts[who], "latest"]);

  it("the home page and the explorer show a token's full history (issuance, transfers, retirements, revocation, void)", async () => {
    await open("");
    await page.getByRole("heading", { name: "Companies" }).waitFor();
    await page.getByRole("link", { name: /ACME Manufacturing/ }).first().waitFor();
    await axe("home");
    await page.getByRole("link", { name: "Ledger explorer" }).first().click();
    await page.getByLabel("Type").selectOption("2");
    const tokens = page.getByRole("table", { name: "Tokens" });
    await tokens.getByRole("row").nth(1).waitFor();
    await axe("explorer");
    assert.equal(await tokens.getByRole("row").count(), 2, "one offset token");
    await tokens.getByRole("row").nth(1).getByRole("link").first().click();
    await page.getByRole("heading", { name: /Carbon offset 2023/ }).waitFor();
    const history = page.getByRole("table", { name: "History" });
    await history.getByRole("row").nth(1).waitFor();
    const text = await history.innerText();
    for (const expected of ["Issuance", "2,500 t CO2e issued", "Transfer", "1,300 t CO2e from", "Retirement", "Net zero 2023", "Revocation", "Field audit: 10 t double counted",
      "Retirement voided", "Field audit: plot 7 burned", "decided by"]) assert.ok(text.includes(expected), `history lacks "${expected}":\n${text}`);
    await axe("token");
    await history.getByRole("link", { name: /decided by|proposal/ }).first().click();
    await page.getByRole("heading", { name: "Correct RF-12 after the field audit" }).waitFor();
  });

  it("a company retires offsets, sees the preview, then opens, prints and verifies its certificate with the name proof", async () => {
    await open(`company/${story.accounts["acme"]}`);
    await actAs("acme");
    await page.getByRole("table", { name: "Year totals" }).waitFor();
    await page.getByRole("img", { name: /Net position per year/ }).waitFor();
    await axe("company");
    const retire = page.getByRole("form", { name: "Retire tokens" });
    await chooseToken(retire.getByLabel("Token to retire"), /^Offset 2023/);
    await retire.getByLabel("Amount to retire").fill("100t");
    await retire.getByLabel(/Beneficiary name/).fill("ACME Manufacturing");
    await retire.getByLabel("Reason").fill("Business travel 2023");
    await retire.getByText(/Preview for 2023: net position .* → /).waitFor();
    const before = await nonce("acme");
    const download = page.waitForEvent("download");
    await retire.getByRole("button", { name: "Retire" }).click();
    await retire.getByText(/Retire: mined in block/).waitFor();
    const saltFile = await (await download).path();
    const saved = JSON.parse(fs.readFileSync(saltFile, "utf8")) as { salt: string; name: string };
    assert.equal(saved.name, "ACME Manufacturing");
    assert.match(saved.salt, /^0x[0-9a-f]{64}$/);
    assert.equal(await nonce("acme"), `0x${(Number(before) + 1).toString(16)}`);

    await retire.getByRole("link", { name: "Open the retirement certificate" }).click();
    await page.getByRole("heading", { name: "Retirement certificate" }).waitFor();
    await page.getByText(/Verified against the chain/).waitFor();
    const cert = await page.getByRole("article").innerText();
    for (const expected of ["100 t CO2e", "Business travel 2023", "Serial number", "NES-31337-", "Evidence hash", "RF-12", "Hardhat"]) assert.ok(cert.includes(expected), `certificate lacks ${expected}`);
    await page.getByRole("img", { name: /QR code/ }).waitFor();
    await axe("certificate");
    const pdf = await page.pdf({ format: "A4" });
    assert.equal(pdf.subarray(0, 4).toString(), "%PDF");
    assert.ok(pdf.length > 10_000);

    const proof = page.getByRole("form", { name: "Prove the beneficiary's name" });
    await proof.getByLabel("Beneficiary name").fill("ACME Manufacturing Ltd");
    await proof.getByLabel(/^Salt/).fill(saved.salt);
    await proof.getByRole("button", { name: "Prove the name" }).click();
    await proof.getByText(/Not proven/).waitFor();
    await proof.getByLabel("Or load the salt file saved at retirement").setInputFiles(saltFile);
    await proof.getByRole("button", { name: "Prove the name" }).click();
    await proof.getByText(/Proven: "ACME Manufacturing"/).waitFor();
  });

  it("bad input shows the contract's reason or the unit problem, and sends nothing", async () => {
    await open(`company/${story.accounts["acme"]}`);
    await actAs("acme");
    const before = await nonce("acme");
    const transfer = page.getByRole("form", { name: "Transfer tokens" });
    await chooseToken(transfer.getByLabel("Token"), /^Offset/);
    await transfer.getByLabel("Recipient address").fill(story.accounts["bluewater"] as string);
    await transfer.getByLabel("Amount to transfer").fill("5MWh");
    await transfer.getByRole("button", { name: "Transfer" }).click();
    await transfer.getByRole("alert").filter({ hasText: /unit "MWh": use g, kg, t/ }).waitFor();
    await transfer.getByLabel("Amount to transfer").fill("99999t");
    await transfer.getByRole("button", { name: "Transfer" }).click();
    const alert = transfer.getByRole("alert").filter({ hasText: /refused/ });
    await alert.waitFor();
    assert.match(await alert.innerText(), /nothing was sent: ERC1155InsufficientBalance\(sender=ACME Manufacturing \(0x[0-9a-fA-F]{40}\), balance=[\d,.]+ t CO2e, needed=99,999 t CO2e, tokenId=0x[0-9a-f]{64}\)/);
    assert.equal(await nonce("acme"), before);

    await open(`proposal/${story.proposals.criteria}`);
    await actAs("member2");
    const m2 = await nonce("member2");
    await page.getByText("You have already voted on this proposal.").waitFor();
    await page.getByRole("button", { name: "Cast vote" }).click();
    await page.getByRole("alert").filter({ hasText: /GovernorAlreadyCastVote\(voter=DAO member 2 \(0x[0-9a-fA-F]{40}\)\)/ }).waitFor();
    assert.equal(await nonce("member2"), m2);
  });

  it("a DAO member votes per criterion with a reason and sees the tallies move", async () => {
    await open("dao");
    await actAs("member1");
    const list = page.getByRole("table", { name: "Proposals" });
    await list.getByRole("link", { name: /mangrove project MG-3/ }).waitFor();
    assert.match(await list.innerText(), /left to vote/);
    await axe("dao");
    await list.getByRole("link", { name: /mangrove project MG-3/ }).click();
    const tallies = page.getByRole("table", { name: "Tallies" });
    await tallies.waitFor();
    const permanence = tallies.getByRole("row", { name: /permanence/ });
    assert.match(await permanence.innerText(), /0 for\s+350 against\s+0 abstain/);
    await axe("proposal");
    await page.getByRole("radio", { name: "additionality: For" }).check();
    await page.getByRole("radio", { name: "permanence: Abstain" }).check();
    await page.getByRole("radio", { name: "no leakage: Against" }).check();
    await page.getByLabel("Reason").fill("Mangroves sequester well; leakage plan missing");
    await page.getByRole("button", { name: "Cast vote" }).click();
    await page.getByText(/Vote: mined in block/).waitFor();
    await page.getByRole("row", { name: /permanence/ }).filter({ hasText: /400 abstain/ }).waitFor();
    assert.match(await tallies.getByRole("row", { name: /additionality/ }).innerText(), /750 for/);
    assert.match(await tallies.getByRole("row", { name: /no leakage/ }).innerText(), /350 for\s+400 against/);
    assert.match(await page.getByRole("table", { name: "Votes" }).innerText(), /Mangroves sequester well; leakage plan missing/);
  });

  it("a claim verdict goes from proposal to executed through the app, and the company sees the frozen figures", async () => {
    await open(`proposal/${story.proposals.verdict}`);
    await page.getByRole("heading", { name: "The claim and the ledger's figures" }).waitFor();
    assert.match(await page.getByRole("table", { name: "Ledger figures for the claim" }).innerText(), /Live \(no verdict yet\)/);
    for (const member of ["member1", "member3"]) {
      await actAs(member);
      await page.getByRole("radio", { name: "Proposal: For" }).check();
      await page.getByLabel("Reason").fill(`${member}: audited emissions fully offset`);
      await page.getByRole("button", { name: "Cast vote" }).click();
      await page.getByText(/Vote: mined in block/).waitFor();
    }
    await rpc(node.url, "evm_increaseTime", [301]);
    await rpc(node.url, "evm_mine");
    await page.reload();
    await page.getByRole("button", { name: "Queue" }).click();
    await page.getByText(/Queue: mined in block/).waitFor();
    await page.getByText("Queued", { exact: true }).waitFor();
    await rpc(node.url, "evm_increaseTime", [2]);
    await rpc(node.url, "evm_mine");
    await page.reload();
    await page.getByRole("button", { name: "Execute" }).click();
    await page.getByText(/Execute: mined in block/).waitFor();
    await page.getByText("Executed", { exact: true }).first().waitFor();
    assert.match(await page.getByRole("table", { name: "Ledger figures for the claim" }).innerText(), /Frozen at the verdict/);
    await open(`company/${story.accounts["acme"]}`);
    await page.getByText("Approved", { exact: true }).waitFor();
  });
});
