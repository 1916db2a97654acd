import { expect } from "chai";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Contract, JsonRpcSigner, id as keccakText, keccak256, toUtf8Bytes } from "ethers";
import { idHex } from "../../scripts/cli/lib/args";
import { TOKEN_TYPE, fabricRecordKey, tokenIdOf } from "../../scripts/ledger/token-id";
import { aggregate } from "../../scripts/oracle/aggregate";
import { readExportFile } from "../../scripts/oracle/file-source";
import { validateRecords } from "../../scripts/oracle/records";
import { DEMO_SALT, SAMPLE_FILES, SAMPLE_PARTIES } from "../../scripts/oracle/relay";
import { mapParties, readPartyBook } from "../../scripts/oracle/parties";
import { sampleAddress } from "../../scripts/oracle/sample";
import { LocalChain, ROOT, errorLines, run } from "./process";
import { kill } from "../helpers/hardhat-node";

/** Hardhat's default accounts, as deploy/ignition/parameters/localhost.json assigns them. */
const ACCOUNTS = {
  deployer: "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266",
  guardian: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  auditor: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  recIssuer: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  acme: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65",
  relayer: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
  member: "0x976EA74026E726554dB657fA54763abd0C3a0aa9",
  project: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720",
};
const INDEX = { guardian: "1", auditor: "2", recIssuer: "3", acme: "4", relayer: "5", member: "6", project: "9" };
const YEAR = ["--from-date", "2025-01-01", "--thru-date", "2025-12-31"];

describe("command line, end to end on a hardhat node @slow", function () {
  this.timeout(600_000);
  const chain = new LocalChain();
  const work = fs.mkdtempSync(path.join(ROOT, "cache", "cli-e2e-"));
  const certificate = path.join(work, "certificate.pdf");
  const attestationFile = path.join(work, "attestation.json");
  const certificateText = "wind farm WF-7 certificate, 4.2 MWh, Q1 2025";
  // Token ids are evidence hashes within a type and scope: the emitter for emissions, the issuer otherwise.
  const recId = idHex(tokenIdOf(TOKEN_TYPE.REC, ACCOUNTS.recIssuer, keccak256(toUtf8Bytes(certificateText))));
  const emissionsEvidence = keccakText("ACME utility bills 2025");
  const emissionsId = idHex(tokenIdOf(TOKEN_TYPE.Emissions, ACCOUNTS.acme, emissionsEvidence));
  const bills = ["acme-bill-2025-01", "acme-bill-2025-02"];
  const offsetEvidence = keccakText("project RF-12 verification 2025");
  let offsetId = ""; // the timelock issues it: known once deployed
  let timelock = "";
  let ledgerAddress = "";

  before(async function () {
    fs.writeFileSync(certificate, certificateText);
    await chain.start();
  });
  after(async function () {
    await chain.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  describe("deployer", function () {
    let firstContracts: Record<string, string> = {};

    // The local parameters with a 20-second admin-transfer delay: the deploy waits for it between modules.
    const parametersFile = (): string => {
      const file = path.join(work, "parameters.json");
      const p = JSON.parse(fs.readFileSync(path.join(ROOT, "deploy", "ignition", "parameters", "localhost.json"), "utf8")) as { Ledger: Record<string, unknown> };
      p.Ledger["adminTransferDelay"] = 20;
      fs.writeFileSync(file, JSON.stringify(p, null, 2));
      return file;
    };
    const journal = (): string => path.join(chain.deployments, "ignition", "chain-31337");

    it("deploy, killed while it waits for the ledger's admin-transfer delay, leaves Ignition's journal and a record", async function () {
      const child = spawn("npm", ["run", "-s", "deploy", "--", "--network", "localhost", "--parameters", parametersFile()], {
        cwd: ROOT, env: { ...process.env, ...chain.env }, stdio: ["ignore", "ignore", "pipe"], detached: true,
      });
      let stderr = "";
      await new Promise<void>((resolve) => {
        child.stderr?.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes("waiting")) resolve();
        });
        child.once("exit", () => resolve());
      });
      expect(stderr, "the deploy should reach the wait").to.contain("waiting");
      await kill(child, "SIGKILL");
      const deployed = JSON.parse(fs.readFileSync(path.join(journal(), "deployed_addresses.json"), "utf8")) as Record<string, string>;
      expect(Object.keys(deployed)).to.have.members(["Ledger#CarbonLedger", "Dao#Timelock", "Dao#VotingToken", "Dao#ClimateGovernor", "Dao#ClaimsRegistry"]);
      const record = JSON.parse(fs.readFileSync(path.join(chain.deployments, "localhost.json"), "utf8")) as { contracts: Record<string, { address: string }>; completedAt?: string };
      expect(record.completedAt).to.equal(undefined);
      firstContracts = Object.fromEntries(Object.entries(record.contracts).map(([k, v]) => [k, v.address]));
      expect(firstContracts["CarbonLedger"]).to.equal(deployed["Ledger#CarbonLedger"]);
    });

    it("re-running the README's deploy command resumes without redeploying and leaves the deployer no role", async function () {
      const nonce = await chain.nonce(ACCOUNTS.deployer);
      const r = await run("npm", ["run", "-s", "deploy", "--", "--network", "localhost", "--parameters", parametersFile(), "--json"], chain.env);
      expect(r.code, errorLines(r).join("\n")).to.equal(0);
      const out = JSON.parse(r.stdout) as { complete: boolean; ran: string[]; contracts: Record<string, string>; deployerRoles: string[] };
      expect(out.complete).to.equal(true);
      expect(out.ran.length).to.be.greaterThan(0);
      expect(out.ran.every((future) => future.startsWith("Handover#")), out.ran.join(", ")).to.equal(true);
      expect(out.contracts).to.deep.equal(firstContracts);
      expect(out.deployerRoles).to.deep.equal([]);
      timelock = out.contracts["Timelock"] ?? "";
      ledgerAddress = out.contracts["CarbonLedger"] ?? "";
      offsetId = idHex(tokenIdOf(TOKEN_TYPE.Offset, timelock, offsetEvidence));
      // The resume created no contract: everything it sent went to the ledger or the timelock.
      const latest = await chain.provider?.getBlockNumber() ?? 0;
      let sent = 0;
      for (let b = 0; b <= latest; b++) {
        const block = await chain.provider?.getBlock(b, true);
        for (const tx of block?.prefetchedTransactions ?? []) {
          if (tx.from !== ACCOUNTS.deployer || tx.nonce < nonce) continue;
          sent++;
          expect([ledgerAddress, timelock], tx.hash).to.include(tx.to);
        }
      }
      expect(sent).to.equal(out.ran.length);
    });

    it("says there is nothing to do when run again", async function () {
      const r = await run("npm", ["run", "-s", "deploy", "--", "--network", "localhost", "--parameters", parametersFile(), "--json"], chain.env);
      expect(r.code, errorLines(r).join("\n")).to.equal(0);
      const out = JSON.parse(r.stdout) as { complete: boolean; ran: string[] };
      expect(out).to.include({ complete: true });
      expect(out.ran).to.deep.equal([]);
    });

    it("lists who holds which role: the timelock is admin, the deployer holds nothing", async function () {
      const out = (await chain.json(["admin", "roles"])) as { roles: Record<string, string[]>; limitedMode: boolean };
      const holders = Object.values(out.roles).flat();
      expect(holders).to.not.include(ACCOUNTS.deployer);
      expect(out.roles["auditor"]).to.deep.equal([ACCOUNTS.auditor]);
      expect(out.roles["pauser"]).to.deep.equal([ACCOUNTS.guardian]);
      expect(out.limitedMode).to.equal(true);
    });

    it("the registrar registers the company and the project for limited mode", async function () {
      for (const account of [ACCOUNTS.acme, ACCOUNTS.project]) {
        const out = await chain.json(["admin", "register", "--from", INDEX.guardian, "--account", account]);
        expect(out["registered"]).to.equal(true);
      }
    });
  });

  describe("auditor", function () {
    it("signs an emissions attestation with its records to a file, and any account submits it", async function () {
      const signed = await chain.json(["auditor", "attest", "sign", "--from", INDEX.auditor, "--to", ACCOUNTS.acme, "--amount", "120t",
        ...YEAR, "--evidence-hash", emissionsEvidence, "--record", bills[0] ?? "", "--record", bills[1] ?? "",
        "--metadata", '{"factorSource":"eGRID2022"}', "--out", attestationFile]);
      expect(signed["signers"]).to.deep.equal([ACCOUNTS.auditor]);
      expect(signed["id"]).to.equal(emissionsId);
      const file = JSON.parse(fs.readFileSync(attestationFile, "utf8")) as { format: string; signers: string[]; request: { records: string[] } };
      expect(file.format).to.equal("carbon-ledger-attestation/2");
      expect(file.signers).to.deep.equal([ACCOUNTS.auditor]);
      expect(file.request.records).to.deep.equal(bills.map(fabricRecordKey));
      const submitted = await chain.json(["auditor", "attest", "submit", "--from", INDEX.relayer, "--in", attestationFile]);
      expect(submitted).to.include({ id: emissionsId, status: "issued", evidenceHash: emissionsEvidence });
    });

    it("submitting the same attestation again says already issued, exit 0, nothing sent", async function () {
      const nonce = await chain.nonce(ACCOUNTS.relayer);
      const r = await chain.cli(["auditor", "attest", "submit", "--from", INDEX.relayer, "--in", attestationFile]);
      expect(r.code, errorLines(r).join("\n")).to.equal(0);
      expect(r.stdout.trim()).to.equal(`already issued: ${emissionsId} (nothing sent)`);
      expect(await chain.nonce(ACCOUNTS.relayer)).to.equal(nonce);
    });

    it("issuing the same emissions directly says already issued; other figures or a spent record are a conflict, exit 1", async function () {
      const emissions = (amount: string, evidence: string, records: string[]) => ["auditor", "issue", "--from", INDEX.auditor, "--type", "emissions",
        "--to", ACCOUNTS.acme, "--amount", amount, ...YEAR, "--evidence-hash", evidence, ...records.flatMap((r) => ["--record", r])];
      const nonce = await chain.nonce(ACCOUNTS.auditor);
      const same = await chain.json(emissions("120t", emissionsEvidence, bills));
      expect(same).to.include({ id: emissionsId, status: "minted" });
      const other = await chain.cli(emissions("121t", emissionsEvidence, bills));
      expect(other.code).to.equal(1);
      expect(other.stdout).to.equal("");
      expect(errorLines(other)).to.deep.equal([
        `error: conflict with token ${emissionsId} (evidence ${emissionsEvidence}); nothing sent:`,
        "  - amount on chain 120000000, meant 121000000",
      ]);
      const fresh = keccakText("ACME utility bills 2025, again");
      const spent = await chain.cli([...emissions("5t", fresh, [bills[0] ?? ""]), "--json"]);
      expect(spent.code).to.equal(1);
      const out = JSON.parse(spent.stdout) as { status: string; differences: string[] };
      expect(out.status).to.equal("conflict");
      expect(out.differences).to.deep.equal([`record ${fabricRecordKey(bills[0] ?? "")} already counted in token ${emissionsId}`]);
      expect(await chain.nonce(ACCOUNTS.auditor)).to.equal(nonce);
    });

    it("with an attestation threshold above 1, auditor issue of emissions points to auditor attest (exit 2, nothing sent)", async function () {
      const provider = chain.provider;
      if (provider === undefined) throw new Error("not started");
      // The admin is the timelock: act as it for this one setting (a DAO vote would do the same, slower).
      await provider.send("hardhat_impersonateAccount", [timelock]);
      await provider.send("hardhat_setBalance", [timelock, "0x56BC75E2D63100000"]);
      const asTimelock = new Contract(ledgerAddress, ["function setAttestationThreshold(uint8)"], new JsonRpcSigner(provider, timelock));
      const setThreshold = asTimelock.getFunction("setAttestationThreshold");
      await (await setThreshold(2)).wait();
      try {
        const nonce = await chain.nonce(ACCOUNTS.auditor);
        const r = await chain.cli(["auditor", "issue", "--from", INDEX.auditor, "--type", "emissions", "--to", ACCOUNTS.acme, "--amount", "5t",
          ...YEAR, "--evidence-hash", keccakText("ACME other bills 2025"), "--record", "acme-bill-2025-03"]);
        expect(r.code).to.equal(2);
        expect(errorLines(r)).to.deep.equal([
          "error: --type emissions: the ledger records audited emissions only by attestation of 2 auditors; use `auditor attest sign`, `auditor attest cosign` and `auditor attest submit`",
        ]);
        expect(await chain.nonce(ACCOUNTS.auditor)).to.equal(nonce);
      } finally {
        await (await setThreshold(1)).wait();
        await provider.send("hardhat_stopImpersonatingAccount", [timelock]);
      }
    });

    it("relays the sample Fabric export through the oracle, each audited total exactly once", async function () {
      const relayArgs = ["auditor", "relay", "--from", INDEX.auditor, "--period", "year", "--journal", path.join(work, "journal.jsonl"), "--quarantine", path.join(work, "q.jsonl")];
      const first = await chain.json(relayArgs);
      expect(first).to.include({ recordsRead: 288, minted: 6, quarantined: 0, skippedAlreadyMinted: 0 });
      fs.rmSync(path.join(work, "journal.jsonl"));
      const again = await chain.json(relayArgs);
      expect(again).to.include({ minted: 0, skippedAlreadyMinted: 6 });
    });

    it("verify recomputes a relayed token's evidence hash from the export's records", async function () {
      const read = readExportFile(SAMPLE_FILES[0] ?? "");
      if (!read.ok) throw new Error(read.error);
      const book = readPartyBook(SAMPLE_PARTIES);
      if (!book.ok) throw new Error(book.error);
      const mapped = mapParties(validateRecords(read.value.records).valid, book.value, SAMPLE_PARTIES).mapped;
      const acmeTotal = aggregate(mapped, "year", DEMO_SALT).find((t) => t.partyId === "acme-manufacturing");
      // The token id of a relayed total: its evidence hash in the emitter's scope (the party's mapped address).
      const emitter = sampleAddress("acme-manufacturing");
      const id = idHex(tokenIdOf(TOKEN_TYPE.Emissions, emitter, acmeTotal?.evidenceHash ?? ""));
      const out = await chain.json(["auditor", "verify", "--id", id, "--records", SAMPLE_FILES[0] ?? "", "--period", "year"]);
      expect(out).to.include({ match: true, party: "acme-manufacturing" });
    });

    it("the REC issuer issues RECs whose id is the hash of the certificate document", async function () {
      const out = await chain.json(["auditor", "issue", "--from", INDEX.recIssuer, "--type", "rec", "--to", ACCOUNTS.acme, "--amount", "4.2MWh",
        "--from-date", "2025-01-01", "--thru-date", "2025-03-31", "--document", certificate]);
      expect(out["id"]).to.equal(recId);
      expect(out["amount"]).to.equal("4200000");
      const again = await chain.cli(["auditor", "issue", "--from", INDEX.recIssuer, "--type", "rec", "--to", ACCOUNTS.acme, "--amount", "4.2MWh",
        "--from-date", "2025-01-01", "--thru-date", "2025-03-31", "--document", certificate]);
      expect(again.code, errorLines(again).join("\n")).to.equal(0);
      expect(again.stdout.trim()).to.equal(`already issued: ${recId} (nothing sent)`);
    });

    it("verify says match when the documents and record agree", async function () {
      const out = await chain.json(["auditor", "verify", "--id", recId, "--document", certificate, "--to", ACCOUNTS.acme, "--amount", "4.2MWh", "--type", "rec"]);
      expect(out).to.include({ match: true });
      expect(out["differences"]).to.deep.equal([]);
    });

    it("verify says mismatch, with the differing field, and exits 1", async function () {
      const other = path.join(work, "tampered.pdf");
      fs.writeFileSync(other, "wind farm WF-7 certificate, 42 MWh, Q1 2025");
      const r = await chain.cli(["auditor", "verify", "--id", recId, "--document", other, "--amount", "42MWh", "--json"]);
      expect(r.code).to.equal(1);
      const out = JSON.parse(r.stdout) as { match: boolean; differences: { field: string; onChain: string }[] };
      expect(out.match).to.equal(false);
      expect(out.differences.map((d) => d.field)).to.deep.equal(["evidenceHash", "amount"]);
      expect(out.differences[1]?.onChain).to.equal("4.2 MWh");
      expect(out.differences[0]?.onChain).to.equal(keccak256(toUtf8Bytes(certificateText)));
    });
  });

  describe("holder", function () {
    it("transfers RECs to another participant", async function () {
      const out = await chain.json(["holder", "transfer", "--from", INDEX.acme, "--id", recId, "--to", ACCOUNTS.project, "--amount", "1.2MWh"]);
      expect(out["amount"]).to.equal("1200000");
    });

    it("retires RECs for a beneficiary, by default for the token's own period, committing to the name with a salt", async function () {
      const out = await chain.json(["holder", "retire", "--from", INDEX.acme, "--id", recId, "--amount", "3MWh", "--beneficiary", ACCOUNTS.acme,
        "--beneficiary-name", "ACME Manufacturing", "--reason", "market-based scope 2"]);
      expect(out).to.include({ fromDate: "2025-01-01", thruDate: "2025-03-31", year: 2025 });
      expect(out["salt"]).to.match(/^0x[0-9a-f]{64}$/);
      expect(out["beneficiaryNameCommitment"]).to.match(/^0x[0-9a-f]{64}$/);
    });

    it("lists balances, shows the token with totals, and lists receipts", async function () {
      const balances = (await chain.json(["holder", "balances", "--from", INDEX.acme])) as { holdings: { id: string; balance: string; retiredByHolder: string }[] };
      expect(balances.holdings.map((h) => [h.id, h.balance, h.retiredByHolder])).to.deep.equal([
        [recId, "0", "3000000"],
        [emissionsId, "120000000", "0"],
      ]);
      const token = await chain.json(["holder", "show", "--id", recId]);
      expect(token).to.include({ typeName: "rec", issued: "4200000", available: "1200000", retired: "3000000", revoked: "0", issuer: ACCOUNTS.recIssuer });
      const receipts = (await chain.json(["holder", "receipts", "--holder", ACCOUNTS.acme])) as { receipts: { id: string; amount: string; year: number; reason: string }[] };
      expect(receipts.receipts).to.have.length(1);
      expect(receipts.receipts[0]).to.include({ id: recId, amount: "3000000", year: 2025, reason: "market-based scope 2" });
    });

    it("a transaction the chain would reject is simulated and its custom error named, nothing sent", async function () {
      const nonce = await chain.nonce(ACCOUNTS.acme);
      const r = await chain.cli(["holder", "retire", "--from", INDEX.acme, "--id", recId, "--amount", "2MWh", "--beneficiary", ACCOUNTS.acme,
        "--beneficiary-name", "ACME", "--reason", "too much", ...YEAR]);
      expect(r.code).to.equal(1);
      expect(errorLines(r)).to.deep.equal([
        `error: retire would revert: LedgerInsufficientAvailable(holder=${ACCOUNTS.acme}, id=${recId}, available=0 Wh, needed=2 MWh)`,
      ]);
      expect(await chain.nonce(ACCOUNTS.acme)).to.equal(nonce);
    });
  });

  describe("DAO member", function () {
    let proposal = "";

    /** After a successful vote: time travel past the voting period, queue, wait the timelock delay, execute. */
    async function queueAndExecute(id: string): Promise<void> {
      await chain.travel(301);
      expect((await chain.json(["dao", "queue", "--from", INDEX.member, "--proposal", id]))["state"]).to.equal("Queued");
      await chain.travel(2);
      expect((await chain.json(["dao", "execute", "--from", INDEX.member, "--proposal", id]))["state"]).to.equal("Executed");
    }

    it("delegates to themselves", async function () {
      const out = await chain.json(["dao", "delegate", "--from", INDEX.member]);
      expect(out["delegate"]).to.equal(ACCOUNTS.member);
      await chain.travel(2);
    });

    it("proposes offsets for a project with quality criteria", async function () {
      const out = await chain.json(["dao", "propose", "issue", "--from", INDEX.member, "--type", "offset", "--to", ACCOUNTS.acme, "--amount", "125t",
        ...YEAR, "--evidence-hash", offsetEvidence, "--project-name", "reforestation project RF-12", "--criteria", "additionality,permanence"]);
      expect(out["description"]).to.equal(`Issue 125 t CO2e of carbon offsets to reforestation project RF-12 (${ACCOUNTS.acme}) for 2025-01-01..2025-12-31, evidence ${offsetEvidence}\n\n#proposer=${ACCOUNTS.member}`);
      expect(out["id"]).to.equal(offsetId);
      proposal = String(out["proposal"]);
      expect(out["criteria"]).to.deep.equal(["additionality", "permanence"]);
      await chain.travel(2);
    });

    it("votes per criterion with a reason, and sees state and tallies", async function () {
      await chain.json(["dao", "vote", "--from", INDEX.member, "--proposal", proposal, "--criteria-votes", "for,for", "--reason", "verified by two auditors"]);
      const shown = (await chain.json(["dao", "proposal", "--proposal", proposal])) as { state: string; tallies: { criterion: string; for: string; against: string }[] };
      expect(shown.state).to.equal("Active");
      expect(shown.tallies.map((t) => [t.criterion, t.for, t.against])).to.deep.equal([
        ["additionality", "400000000000000000000", "0"],
        ["permanence", "400000000000000000000", "0"],
      ]);
    });

    it("queues and executes it, and the offsets are issued", async function () {
      await queueAndExecute(proposal);
      const listed = (await chain.json(["dao", "proposals"])) as { proposals: { id: string; state: string }[] };
      expect(listed.proposals.map((p) => [p.id, p.state])).to.deep.equal([[proposal, "Executed"]]);
      expect(await chain.json(["holder", "show", "--id", offsetId])).to.include({ typeName: "offset", issued: "125000000", issuer: timelock, evidenceHash: offsetEvidence });
    });

    it("proposing the same issuance again says already issued (nothing proposed); other figures are a conflict, exit 1", async function () {
      const args = (amount: string) => ["dao", "propose", "issue", "--from", INDEX.member, "--type", "offset", "--to", ACCOUNTS.acme, "--amount", amount,
        ...YEAR, "--evidence-hash", offsetEvidence, "--project-name", "reforestation project RF-12"];
      const nonce = await chain.nonce(ACCOUNTS.member);
      const same = await chain.cli(args("125t"));
      expect(same.code, errorLines(same).join("\n")).to.equal(0);
      expect(same.stdout.trim()).to.equal(`already issued: ${offsetId} (nothing proposed)`);
      const other = await chain.cli(args("150t"));
      expect(other.code).to.equal(1);
      expect(errorLines(other)).to.deep.equal([
        `error: conflict with token ${offsetId} (evidence ${offsetEvidence}); nothing proposed:`,
        "  - amount on chain 125000000, meant 150000000",
      ]);
      expect(await chain.nonce(ACCOUNTS.member)).to.equal(nonce);
    });

    it("the company retires the offsets and its net position for the year turns negative", async function () {
      await chain.json(["holder", "retire", "--from", INDEX.acme, "--id", offsetId, "--amount", "125t", "--beneficiary", ACCOUNTS.acme,
        "--beneficiary-name", "ACME Manufacturing", "--reason", "net zero 2025", ...YEAR]);
      const net = await chain.json(["holder", "net", "--from", INDEX.acme, "--year", "2025"]);
      expect(net).to.include({ emissions: "120000000", offsetsRetired: "125000000", recsRetired: "3000000", netPosition: "-5000000" });
    });

    it("the company submits a net-zero claim and the DAO approves it", async function () {
      const claim = await chain.json(["holder", "claim", "submit", "--from", INDEX.acme, "--year", "2025", "--kind", "net-zero",
        "--evidence-hash", keccakText("ACME climate report 2025"), "--uri", "https://acme.example/climate-2025"]);
      expect(claim["claim"]).to.equal("1");
      const verdict = await chain.json(["dao", "propose", "verdict", "--from", INDEX.member, "--claim", "1", "--verdict", "approve",
        "--reason", "audited emissions fully offset", "--title", "Approve ACME net zero 2025"]);
      await chain.travel(2);
      await chain.json(["dao", "vote", "--from", INDEX.member, "--proposal", String(verdict["proposal"]), "--support", "for"]);
      await queueAndExecute(String(verdict["proposal"]));
      const shown = await chain.json(["holder", "claim", "show", "--claim", "1"]);
      expect(shown).to.include({ verdict: "approved", kind: "net-zero", consistent: true, netPosition: "-5000000" });
    });

    it("the DAO voids part of a retirement; the receipt shows it and the net position loses it", async function () {
      const tooMuch = await chain.cli(["dao", "propose", "void", "--from", INDEX.member, "--holder", ACCOUNTS.acme, "--id", offsetId,
        "--beneficiary", ACCOUNTS.acme, "--year", "2025", "--amount", "126t", "--reason", "double counted"]);
      expect(tooMuch.code).to.equal(2);
      expect(errorLines(tooMuch)[0]).to.match(/^error: --amount "126t": .* retired 125 t CO2e of this token for .* in 2025 that is not voided/);
      const proposed = await chain.json(["dao", "propose", "void", "--from", INDEX.member, "--holder", ACCOUNTS.acme, "--id", offsetId,
        "--beneficiary", ACCOUNTS.acme, "--year", "2025", "--amount", "10t", "--reason", "10 t of the project's credits were double counted"]);
      expect(proposed["description"]).to.equal(`Void 10 t CO2e of the retirement of token ${offsetId} by ${ACCOUNTS.acme} for beneficiary ${ACCOUNTS.acme} in 2025: 10 t of the project's credits were double counted\n\n#proposer=${ACCOUNTS.member}`);
      await chain.travel(2);
      await chain.json(["dao", "vote", "--from", INDEX.member, "--proposal", String(proposed["proposal"]), "--support", "for"]);
      await queueAndExecute(String(proposed["proposal"]));
      const receipts = (await chain.json(["holder", "receipts", "--id", offsetId])) as { receipts: { amount: string; voided: string; status: string }[] };
      expect(receipts.receipts.map((r) => [r.amount, r.voided, r.status])).to.deep.equal([["125000000", "10000000", "partly voided"]]);
      const net = await chain.json(["holder", "net", "--from", INDEX.acme, "--year", "2025"]);
      expect(net).to.include({ emissions: "120000000", offsetsRetired: "115000000", netPosition: "5000000" });
      const human = await chain.cli(["holder", "receipts", "--id", offsetId]);
      expect(human.stdout).to.match(/partly voided \(10 t CO2e\)\s+net zero 2025/);
    });
  });

  describe("bad arguments: one line naming the argument, exit code 2, nothing sent", function () {
    const unknownId = keccakText("no such evidence");
    const retire = (over: Record<string, string>) => {
      const o: Record<string, string> = {
        "--from": INDEX.acme, "--id": recId, "--amount": "1MWh", "--beneficiary": ACCOUNTS.acme, "--beneficiary-name": "ACME",
        "--reason": "r", "--from-date": "2025-01-01", "--thru-date": "2025-12-31", ...over,
      };
      return ["holder", "retire", ...Object.entries(o).flat()];
    };
    const issue = (over: Record<string, string>) => {
      const o: Record<string, string> = {
        "--from": INDEX.auditor, "--type": "emissions", "--to": ACCOUNTS.acme, "--amount": "5t", "--from-date": "2025-01-01",
        "--thru-date": "2025-12-31", "--evidence-hash": keccakText("fresh evidence"), "--record": "fresh-record", ...over,
      };
      return ["auditor", "issue", ...Object.entries(o).flat()];
    };
    const cases: [string, string[], string, RegExp][] = [
      ["malformed address", retire({ "--beneficiary": "0x1234" }), ACCOUNTS.acme, /^error: --beneficiary "0x1234": expected a 0x-prefixed 20-byte address$/],
      ["unknown token", retire({ "--id": unknownId }), ACCOUNTS.acme, /^error: --id 0x[0-9a-f]{64}: unknown token/],
      ["malformed token id", retire({ "--id": "0x1234…abcd" }), ACCOUNTS.acme, /^error: --id "0x1234…abcd": expected a token id/],
      ["negative amount", issue({ "--amount": "-5t" }), ACCOUNTS.auditor, /^error: --amount "-5t": must not be negative$/],
      ["unparsable amount", issue({ "--amount": "lots" }), ACCOUNTS.auditor, /^error: --amount "lots": expected a number with a unit/],
      ["unknown unit", issue({ "--amount": "5parsecs" }), ACCOUNTS.auditor, /^error: --amount unit "parsecs": use g, kg, t$/],
      ["wrong date", issue({ "--from-date": "2025-02-30" }), ACCOUNTS.auditor, /^error: --from-date "2025-02-30": not a calendar date$/],
      ["missing role", issue({ "--from": INDEX.acme }), ACCOUNTS.acme, /^error: --from 0x[0-9a-fA-F]{40}: lacks EMISSIONS_AUDITOR_ROLE/],
      ["emissions without records", issue({}).filter((a) => a !== "--record" && a !== "fresh-record"), ACCOUNTS.auditor, /^error: --record: audited emissions must name the records they total/],
      ["malformed record key", issue({ "--record": "0x1234" }), ACCOUNTS.auditor, /^error: --record "0x1234": a hex key must be 0x \+ 64 hex digits/],
      ["claimed period not ended", retire({ "--thru-date": "2099-12-31" }), ACCOUNTS.acme, /^error: --thru-date 2025-01-01\.\.2099-12-31: has not ended/],
      ["claimed year too far from the token's", retire({ "--from-date": "2018-01-01", "--thru-date": "2018-12-31" }), ACCOUNTS.acme, /^error: --from-date 2018-01-01\.\.2018-12-31: counts towards 2018, more than 5 years from the token's year 2025$/],
      ["missing option", ["holder", "transfer", "--from", INDEX.acme, "--id", recId, "--to", ACCOUNTS.project], ACCOUNTS.acme, /^error: required option '--amount <amount>' not specified$/],
    ];
    for (const [name, args, sender, message] of cases) {
      it(`${name}`, async function () {
        const nonce = await chain.nonce(sender);
        const r = await chain.cli(args);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stdout).to.equal("");
        const lines = errorLines(r);
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(message);
        expect(await chain.nonce(sender)).to.equal(nonce);
      });
    }
  });
});
