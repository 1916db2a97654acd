import type { GasScenario } from "./scenario";
import { gasOf, text } from "./scenario";
import { attestationDomain, signAttestation } from "../ledger/attestation";
import { fabricRecordKey, TOKEN_TYPE, tokenIdOf } from "../ledger/token-id";

const JAN_2024 = 1_704_067_200;
const FEB_2024 = 1_706_745_600;

/** Ledger operations named as in bench/gas-budgets.json; strings are 20 characters. */
export const ledgerScenarios: GasScenario[] = [
  async (hre) => {
    const { ethers } = hre;
    const [admin, holder, other, emitter, auditor] = await ethers.getSigners();
    const ledger = await (await ethers.getContractFactory("CarbonLedger")).deploy(admin.address, 0);
    for (const role of [
      await ledger.REC_ISSUER_ROLE(),
      await ledger.OFFSET_ISSUER_ROLE(),
      await ledger.EMISSIONS_AUDITOR_ROLE(),
      await ledger.REVOKER_ROLE(),
    ]) {
      await ledger.grantRole(role, admin.address);
    }
    await ledger.grantRole(await ledger.EMISSIONS_AUDITOR_ROLE(), auditor.address);

    let nonce = 0;
    let recordNonce = 0;
    /** Fresh record keys, as the oracle derives one per Fabric record. */
    const records = (n: number) => Array.from({ length: n }, () => fabricRecordKey(`bench-record-${recordNonce++}`));
    /** A request; audited emissions name one record (or `recordCount`), RECs and offsets none. */
    const request = (tokenType: number, issuee: string, recordCount = tokenType === TOKEN_TYPE.Emissions ? 1 : 0) => ({
      tokenType,
      issuee,
      amount: 1_000_000n,
      fromDate: JAN_2024,
      thruDate: FEB_2024 - 1,
      evidenceHash: ethers.keccak256(ethers.toUtf8Bytes(`bench evidence ${nonce++}`)),
      records: records(recordCount),
      metadata: text(20),
    });

    const out: Record<string, number> = {};
    await ledger.issue(request(1, holder.address)); // the first issuance ever pays one-off costs
    out["issue.rec"] = await gasOf(ledger.issue(request(1, holder.address)));
    const offset = request(2, holder.address);
    out["issue.offset"] = await gasOf(ledger.issue(offset));
    const emissions = await gasOf(ledger.issue(request(3, emitter.address)));
    // Marginal gas of one more record: 11 records against 1, over 10 (same emitter, so the same warm slots).
    const oneRecord = await gasOf(ledger.issue(request(3, emitter.address, 1)));
    const elevenRecords = await gasOf(ledger.issue(request(3, emitter.address, 11)));
    const perRecord = Math.ceil((elevenRecords - oneRecord) / 10);
    // The record protection (one record, one token) has its own line; the lines that existed before it measure the
    // same operation without it, and the `.withRecord` lines the whole cost, each with its budget.
    out["issue.emissions.perRecord"] = perRecord;
    out["issue.emissions"] = emissions - perRecord;
    out["issue.emissions.withRecord"] = emissions;

    const attested = request(3, emitter.address);
    const deadline = JAN_2024 * 2;
    const domain = attestationDomain((await ethers.provider.getNetwork()).chainId, await ledger.getAddress());
    const attestation = await signAttestation(attested, BigInt(deadline), [auditor], domain);
    out["issue.attested"] = await gasOf(ledger.issueAttested(attestation));

    const batch = Array.from({ length: 10 }, (_, i) => ({
      ...request(3, other.address),
      fromDate: JAN_2024 + i * 2_592_000,
      thruDate: JAN_2024 + (i + 1) * 2_592_000 - 1,
    }));
    const batchPerToken = Math.ceil((await gasOf(ledger.issueBatch(batch))) / 10);
    out["issue.batch10.perToken"] = batchPerToken - perRecord;
    out["issue.batch10.perToken.withRecord"] = batchPerToken;

    const id = tokenIdOf(TOKEN_TYPE.Offset, admin.address, offset.evidenceHash); // scope: its issuer
    const transfer = () => ledger.connect(holder).safeTransferFrom(holder.address, other.address, id, 1_000, "0x");
    out["transfer.newHolder"] = await gasOf(transfer());
    out["transfer.existingHolder"] = await gasOf(transfer());

    const retirement = {
      beneficiary: holder.address,
      beneficiaryNameCommitment: ethers.keccak256(ethers.toUtf8Bytes("salt:Example Corp")),
      fromDate: JAN_2024,
      thruDate: FEB_2024 - 1,
      reason: text(20),
    };
    const retire = () => ledger.connect(holder).retire(holder.address, id, 1_000, retirement);
    out["retire.first"] = await gasOf(retire());
    out["retire.later"] = await gasOf(retire());
    // For another beneficiary (or another year than the token's): its voidable amount needs a slot of its own.
    const forOther = { ...retirement, beneficiary: other.address };
    out["retire.forOther.first"] = await gasOf(ledger.connect(holder).retire(holder.address, id, 1_000, forOther));
    out["retire.forOther.later"] = await gasOf(ledger.connect(holder).retire(holder.address, id, 1_000, forOther));
    out["revoke"] = await gasOf(ledger.revoke(holder.address, id, 1_000, text(20)));
    // Fraud found after retirement: void part of what the holder retired for its beneficiary in 2024.
    out["retire.void"] = await gasOf(ledger.voidRetirement(holder.address, id, holder.address, 2024, 500, text(20)));
    return out;
  },
];
