/**
 * The README is a test: the command blocks of each user section run, in order, against a fresh local node, and each
 * exits as the README says (0, unless the command's own comment says `exit N`). Placeholders (`0x…`, `0x15d3…`,
 * `<id>`) are filled from earlier commands' `--json` output, from the deployment record or from fixed test values,
 * through the SUBSTITUTIONS table below. A block preceded by `<!-- readme-test: skip (why) -->` is not run.
 */
import { expect } from "chai";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Contract, id as keccakText } from "ethers";
import { idHex } from "../../scripts/cli/lib/args";
import { TOKEN_TYPE, tokenIdOf } from "../../scripts/ledger/token-id";
import { aggregate } from "../../scripts/oracle/aggregate";
import { readExportFile } from "../../scripts/oracle/file-source";
import { validateRecords } from "../../scripts/oracle/records";
import { DEMO_SALT, SAMPLE_FILES, SAMPLE_PARTIES } from "../../scripts/oracle/relay";
import { mapParties, readPartyBook } from "../../scripts/oracle/parties";
import { sampleAddress } from "../../scripts/oracle/sample";
import { LocalChain, ROOT, errorLines, run } from "../cli/process";

/** The sections whose blocks run, in this order (the local chain first: every section needs the deployment). */
const SECTIONS = ["A local chain for the commands", "Auditor", "Holder or company", "DAO member", "Deployer and admin", "Oracle operator"];

export interface ReadmeCommand {
  section: string;
  /** The command as written (continuation lines joined), without its trailing comment. */
  text: string;
  comment: string;
  words: string[];
}

/** Splits a shell line into words (single and double quotes, backslash escapes); stops at an unquoted `#` comment. */
export function shellWords(line: string): { words: string[]; comment: string } {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated quote in: ${line}`);
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "#" && word === undefined) {
      return { words, comment: line.slice(i + 1).trim() };
    } else word = (word ?? "") + c;
  }
  if (word !== undefined) words.push(word);
  return { words, comment: "" };
}

/** The README's commands per section, in order; blocks marked `readme-test: skip` are returned as skipped. */
export function readmeCommands(markdown: string): { commands: ReadmeCommand[]; skipped: { section: string; reason: string; text: string }[] } {
  const commands: ReadmeCommand[] = [];
  const skipped: { section: string; reason: string; text: string }[] = [];
  const lines = markdown.split("\n");
  let section = "";
  let lastNonEmpty = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const heading = /^#{2,3} (.*)$/.exec(line);
    if (heading) section = heading[1] ?? "";
    if (line.startsWith("```sh")) {
      const block: string[] = [];
      for (i++; i < lines.length && !(lines[i] ?? "").startsWith("```"); i++) block.push(lines[i] ?? "");
      if (!SECTIONS.includes(section)) continue;
      const skip = /<!--\s*readme-test:\s*skip\s*\((.*)\)\s*-->/.exec(lastNonEmpty);
      if (skip) {
        skipped.push({ section, reason: skip[1] ?? "", text: block.join("\n") });
        lastNonEmpty = "```";
        continue;
      }
      let pending = "";
      for (const raw of block) {
        const joined = pending + raw.trim();
        if (joined.endsWith("\\")) {
          pending = joined.slice(0, -1) + " ";
          continue;
        }
        pending = "";
        if (joined === "" || joined.startsWith("#")) continue; // comments, including commented-out commands
        const { words, comment } = shellWords(joined);
        const hash = joined.search(/\s#/);
        commands.push({ section, text: hash < 0 ? joined : joined.slice(0, hash).trim(), comment, words });
      }
      lastNonEmpty = "```";
      continue;
    }
    if (line.trim() !== "") lastNonEmpty = line.trim();
  }
  return { commands, skipped };
}

/** Hardhat's default accounts, as deploy/ignition/parameters/localhost.json assigns them. */
const ACCOUNTS = {
  acme: "0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", // #4, a company
  second: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc", // #5, a second company
  project: "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720", // #9, no part
};

/** Evidence hashes the reader would compute from their own documents; here fixed texts' keccak256. */
const EVIDENCE = {
  emissions: keccakText("README: ACME utility bills 2025"),
  attested: keccakText("README: ACME utility bills 2025, attested"),
  claim: keccakText("README: ACME climate report 2025"),
  offsets: keccakText("README: RF-12 verification 2025"),
};

/** Values earlier commands print (their `--json` output) or that are derived from the sample export. */
const found: Record<string, string> = {};
const need = (name: string) => (): string => {
  const v = found[name];
  if (v === undefined || v === "") throw new Error(`no value yet for ${name}`);
  return v;
};

/** The sample export's acme-manufacturing total for 2025 as `auditor relay --period year` mints it: its token id. */
function relayedAcmeId(): string {
  const read = readExportFile(SAMPLE_FILES[0] ?? "");
  if (!read.ok) throw new Error(read.error);
  const book = readPartyBook(SAMPLE_PARTIES);
  if (!book.ok) throw new Error(book.error);
  const mapped = mapParties(validateRecords(read.value.records).valid, book.value, SAMPLE_PARTIES).mapped;
  const total = aggregate(mapped, "year", DEMO_SALT).find((t) => t.partyId === "acme-manufacturing");
  return idHex(tokenIdOf(TOKEN_TYPE.Emissions, sampleAddress("acme-manufacturing"), total?.evidenceHash ?? ""));
}

interface Substitution {
  /** Which command (a regular expression on the command as written). */
  command: RegExp;
  /** The placeholder's option, e.g. `--id`, or `*` for any. */
  option: string;
  placeholder: string;
  value: () => string;
}

/**
 * What the reader types in place of each placeholder. `0x15d3…` is always ACME (#4), as the README writes it in full
 * in its first command. Proposal `<id>`s are the offsets proposal (the one with criteria) unless stated.
 */
const SUBSTITUTIONS: Substitution[] = [
  { command: /./, option: "*", placeholder: "0x15d3…", value: () => ACCOUNTS.acme },
  // Auditor
  { command: /auditor issue .*--type emissions/, option: "--evidence-hash", placeholder: "0x…", value: () => EVIDENCE.emissions },
  { command: /auditor attest sign/, option: "--evidence-hash", placeholder: "0x…", value: () => EVIDENCE.attested },
  { command: /auditor verify .*--document/, option: "--id", placeholder: "0x…", value: need("recId") }, // printed by `auditor issue --type rec`
  { command: /auditor verify .*--records/, option: "--id", placeholder: "0x…", value: relayedAcmeId }, // minted by `auditor relay`
  // Holder or company: the REC issued to ACME in the Auditor section
  { command: /holder (show|transfer|retire)/, option: "--id", placeholder: "0x…", value: need("recId") },
  { command: /holder transfer/, option: "--to", placeholder: "0x…", value: () => ACCOUNTS.second },
  { command: /holder claim submit/, option: "--evidence-hash", placeholder: "0x…", value: () => EVIDENCE.claim },
  // DAO member
  { command: /dao propose issue/, option: "--to", placeholder: "0x…", value: () => ACCOUNTS.second },
  { command: /dao propose issue/, option: "--evidence-hash", placeholder: "0x…", value: () => EVIDENCE.offsets },
  { command: /dao propose revoke/, option: "--holder", placeholder: "0x…", value: () => ACCOUNTS.acme },
  { command: /dao propose revoke/, option: "--id", placeholder: "0x…", value: need("emissionsId") }, // ACME's 120 t
  { command: /dao propose void/, option: "--holder", placeholder: "0x…", value: () => ACCOUNTS.acme },
  { command: /dao propose void/, option: "--id", placeholder: "0x…", value: need("recId") }, // ACME's retirement of 1 MWh
  { command: /dao propose void/, option: "--beneficiary", placeholder: "0x…", value: () => ACCOUNTS.acme },
  { command: /dao propose role/, option: "--account", placeholder: "0x…", value: () => ACCOUNTS.project },
  { command: /dao (proposal|vote|queue|execute) /, option: "--proposal", placeholder: "<id>", value: need("offsetsProposal") },
  // Deployer and admin
  { command: /admin (register|unregister|grant)/, option: "--account", placeholder: "0x…", value: () => ACCOUNTS.project },
];

/** Commands whose `--json` output gives a later placeholder its value (run with `--json` appended). */
const CAPTURES: { command: RegExp; save: (out: Record<string, unknown>) => void }[] = [
  { command: /auditor issue .*--type emissions/, save: (o) => (found["emissionsId"] = String(o["id"])) },
  { command: /auditor issue .*--type rec/, save: (o) => (found["recId"] = String(o["id"])) },
  { command: /dao propose issue/, save: (o) => (found["offsetsProposal"] = String(o["proposal"])) },
];

/**
 * The README's local node mines a block every second, so the clock follows the wall clock; the test does not wait
 * minutes: it moves the clock with evm_increaseTime + evm_mine before the commands that need time to have passed.
 */
const CLOCK: { command: RegExp; seconds: (chain: LocalChain) => Promise<number> }[] = [
  { command: /dao vote .*--from 6/, seconds: async () => 2 }, // the voting delay (1 s locally)
  { command: /dao queue/, seconds: async () => 5 * 60 + 1 }, // the voting period (5 minutes locally)
  { command: /dao execute/, seconds: async (chain) => Number(await timelockDelay(chain)) + 1 },
];

let deploymentsDir = "";
async function timelockDelay(chain: LocalChain): Promise<bigint> {
  const record = JSON.parse(fs.readFileSync(path.join(deploymentsDir, "localhost.json"), "utf8")) as { contracts: Record<string, { address: string }> };
  const timelock = new Contract(record.contracts["Timelock"]?.address ?? "", ["function getMinDelay() view returns (uint256)"], chain.provider);
  return (await timelock.getFunction("getMinDelay")()) as bigint;
}

/** The words to run: placeholders substituted, file names in a scratch folder. */
function substitute(c: ReadmeCommand, files: Record<string, string>): string[] {
  return c.words.map((w, i) => {
    if (files[w] !== undefined) return files[w] ?? w;
    if (!w.includes("…") && !/^<.*>$/.test(w)) return w;
    if (i > 0 && /^--(title|reason)$/.test(c.words[i - 1] ?? "")) return w; // free text the reader writes
    const option = c.words[i - 1] ?? "";
    const rule = SUBSTITUTIONS.find((s) => s.placeholder === w && (s.option === "*" || s.option === option) && s.command.test(c.text));
    if (rule === undefined) throw new Error(`no substitution for ${option} ${w} in: ${c.text}`);
    return rule.value();
  });
}

const { commands, skipped } = readmeCommands(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));

describe("the README's commands, in order, on a hardhat node @slow", function () {
  this.timeout(600_000);
  const chain = new LocalChain();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "nes-readme-"));
  // Files the README's commands name in the current folder: kept in a scratch folder instead of the repository.
  const files = { "certificate.pdf": path.join(work, "certificate.pdf"), "acme-2025.json": path.join(work, "acme-2025.json") };

  before(async function () {
    fs.writeFileSync(files["certificate.pdf"], "wind farm WF-7 certificate, 4.2 MWh, Q1 2025");
    await chain.start();
    deploymentsDir = chain.deployments;
  });
  after(async function () {
    await chain.cleanup();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("finds the commands of every user section and honours the skip markers", function () {
    for (const s of SECTIONS) expect(commands.some((c) => c.section === s), s).to.equal(true);
    expect(skipped.map((s) => s.reason)).to.include("live network");
  });

  commands.forEach((c, n) => {
    it(`${c.section} #${n + 1}: ${c.text}`, async function () {
      if (c.text === "npm run node") return this.skip(); // the test's own node stands in for terminal 1
      const clock = CLOCK.find((k) => k.command.test(c.text));
      if (clock !== undefined) await chain.travel(await clock.seconds(chain));
      const capture = CAPTURES.find((k) => k.command.test(c.text));
      const words = substitute(c, files);
      if (capture !== undefined) words.push("--json");
      expect(words[0]).to.equal("npm");
      const r = await run("npm", words.slice(1), chain.env);
      const expected = Number(/\bexit (\d)/.exec(c.comment)?.[1] ?? "0");
      expect(r.code, `${words.join(" ")}\n${errorLines(r).join("\n")}\n${r.stdout.slice(0, 2000)}`).to.equal(expected);
      if (capture !== undefined) capture.save(JSON.parse(r.stdout) as Record<string, unknown>);
    });
  });
});
