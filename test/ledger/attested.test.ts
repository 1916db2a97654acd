import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { Signature, TypedDataEncoder, ZeroAddress, concat, getAddress, recoverAddress, toBeHex } from "ethers";
import { ATTESTATION_TYPES, attestationDomain, attestationValue, signAttestation } from "../../scripts/ledger/attestation";
import { expectNoChange } from "../helpers/state";
import {
  attest,
  deployLedger,
  freshRecord,
  issueRequest,
  issued,
  issuedEventArgs,
  requestId,
  TokenType,
  type Attestation,
  type IssueRequest,
  type LedgerFixture,
} from "./fixtures";

/** secp256k1 group order: a signature with s > n/2 is malleable and refused. */
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

const emissions = (f: LedgerFixture, overrides: Partial<IssueRequest> = {}): IssueRequest =>
  issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address, amount: 4_200_000n, ...overrides });

/** What a failing attested issuance must leave untouched. */
const unissued = (f: LedgerFixture, a: Attestation) => async () => ({
  exists: await f.ledger.exists(requestId(f, a.request)),
  issued: await f.ledger.issuedOf(requestId(f, a.request)),
  balance: await f.ledger.balanceOf(a.request.issuee, requestId(f, a.request)),
  totals: (await f.ledger.yearTotals(a.request.issuee, 2024)).toString(),
  records: (await f.ledger.recordTokens(a.request.tokenType, a.request.issuee, a.request.records)).toString(),
});

describe("issueAttested", function () {
  it("lets anyone submit emissions signed by an auditor, recording the auditor as issuer", async function () {
    const f = await loadFixture(deployLedger);
    const request = emissions(f);
    const a = await attest(f, request, [f.auditor]);
    const id = requestId(f, request);

    expect(await f.ledger.connect(f.outsider).issueAttested.staticCall(a)).to.equal(id);
    const tx = f.ledger.connect(f.outsider).issueAttested(a);
    await expect(tx).to.emit(f.ledger, "Issued").withArgs(...issuedEventArgs(id, f.auditor.address, request));
    await expect(tx).to.emit(f.ledger, "RecordsBound").withArgs(id, request.records);
    await expect(tx).to.emit(f.ledger, "Attested").withArgs(id, f.outsider.address, [f.auditor.address]);
    await expect(tx)
      .to.emit(f.ledger, "TransferSingle")
      .withArgs(f.outsider.address, ZeroAddress, f.acme.address, id, request.amount);
    expect((await f.ledger.recordOf(id)).issuer).to.equal(f.auditor.address);
    expect(await f.ledger.balanceOf(f.acme.address, id)).to.equal(request.amount);
    expect((await f.ledger.yearTotals(f.acme.address, 2024)).emissions).to.equal(request.amount);
  });

  it("exposes the EIP-712 digest the auditors sign, bound to this chain and contract", async function () {
    const f = await loadFixture(deployLedger);
    const request = emissions(f);
    const deadline = 1_900_000_000n;
    const expected = TypedDataEncoder.hash(f.domain, ATTESTATION_TYPES, attestationValue(request, deadline));
    expect(await f.ledger.attestationDigest(request, deadline)).to.equal(expected);
    const otherContract = attestationDomain(f.domain.chainId as bigint, f.outsider.address);
    expect(await f.ledger.attestationDigest(request, deadline)).to.not.equal(
      TypedDataEncoder.hash(otherContract, ATTESTATION_TYPES, attestationValue(request, deadline)),
    );
  });

  it("accepts the deadline itself and reverts with LedgerAttestationExpired one second after it", async function () {
    const f = await loadFixture(deployLedger);
    const deadline = BigInt(await time.latest()) + 100n;
    const onTime = await attest(f, emissions(f), [f.auditor], deadline);
    await time.setNextBlockTimestamp(deadline);
    await expect(f.ledger.issueAttested(onTime)).to.emit(f.ledger, "Attested");

    const late = await attest(f, emissions(f), [f.auditor], deadline);
    await expectNoChange(unissued(f, late), async () => {
      await time.setNextBlockTimestamp(deadline + 1n);
      await expect(f.ledger.issueAttested(late))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationExpired")
        .withArgs(deadline, deadline + 1n);
    });
  });

  it("cannot be replayed: a second submission reverts with LedgerEvidenceUsed", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    await f.ledger.issueAttested(a);
    const state = async () => ({
      issued: await f.ledger.issuedOf(requestId(f, a.request)),
      totals: (await f.ledger.yearTotals(a.request.issuee, 2024)).toString(),
    });
    await expectNoChange(state, () =>
      expect(f.ledger.connect(f.bob).issueAttested(a))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
        .withArgs(a.request.evidenceHash, requestId(f, a.request)),
    );
  });

  it("refuses evidence already used by a direct issuance in the same scope (LedgerEvidenceUsed)", async function () {
    const f = await loadFixture(deployLedger);
    const direct = emissions(f);
    const id = await issued(f, direct);
    const a = await attest(f, emissions(f, { evidenceHash: direct.evidenceHash }), [f.auditors[1]!]);
    await expect(f.ledger.issueAttested(a))
      .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
      .withArgs(direct.evidenceHash, id);
    // An offset under the same hash is another scope and type: it does not block the emitter's issuance.
    const offset = issueRequest({ tokenType: TokenType.Offset, issuee: f.bob.address });
    await issued(f, offset);
    const b = await attest(f, emissions(f, { issuee: f.globex.address, evidenceHash: offset.evidenceHash }), [f.auditor]);
    await expect(f.ledger.issueAttested(b)).to.emit(f.ledger, "Attested");
  });

  it("refuses a record already bound in the emitter's scope (LedgerRecordUsed)", async function () {
    const f = await loadFixture(deployLedger);
    const first = emissions(f);
    const id = await issued(f, first);
    const a = await attest(f, emissions(f, { records: [first.records[0]!] }), [f.auditor]);
    await expectNoChange(unissued(f, a), () =>
      expect(f.ledger.issueAttested(a))
        .to.be.revertedWithCustomError(f.ledger, "LedgerRecordUsed")
        .withArgs(first.records[0], id),
    );
  });

  it("reverts with LedgerInvalidTokenType for anything but audited emissions", async function () {
    const f = await loadFixture(deployLedger);
    for (const tokenType of [TokenType.REC, TokenType.Offset]) {
      const a = await attest(f, emissions(f, { tokenType, issuee: f.alice.address }), [f.auditor]);
      await expectNoChange(unissued(f, a), () =>
        expect(f.ledger.issueAttested(a))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidTokenType")
          .withArgs(tokenType),
      );
    }
  });

  it("validates the request like a direct issuance (LedgerZeroAmount)", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f, { amount: 0n }), [f.auditor]);
    await expect(f.ledger.issueAttested(a)).to.be.revertedWithCustomError(f.ledger, "LedgerZeroAmount");
  });

  it("reverts with LedgerAttestationSignerNotAuditor for a signer without the auditor role", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.outsider]);
    await expectNoChange(unissued(f, a), () =>
      expect(f.ledger.issueAttested(a))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignerNotAuditor")
        .withArgs(f.outsider.address),
    );
  });

  it("refuses a signature from an auditor whose role was revoked after signing", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    await f.ledger.connect(f.admin).revokeRole(await f.ledger.EMISSIONS_AUDITOR_ROLE(), f.auditor.address);
    await expect(f.ledger.issueAttested(a))
      .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignerNotAuditor")
      .withArgs(f.auditor.address);
  });

  it("binds the signature to the request: a tampered amount recovers a stranger (LedgerAttestationInvalidSignature)", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    const tampered: Attestation = { ...a, request: { ...a.request, amount: a.request.amount * 10n } };
    const digest = await f.ledger.attestationDigest(tampered.request, tampered.deadline);
    const stranger = recoverAddress(digest, a.signatures[0] as string);
    expect(stranger).to.not.equal(f.auditor.address);
    await expectNoChange(unissued(f, tampered), () =>
      expect(f.ledger.issueAttested(tampered))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(f.auditor.address),
    );
  });

  it("binds the signature to the records: another record list is refused (LedgerAttestationInvalidSignature)", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    const swapped: Attestation = { ...a, request: { ...a.request, records: [freshRecord()] } };
    await expectNoChange(unissued(f, swapped), () =>
      expect(f.ledger.issueAttested(swapped))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(f.auditor.address),
    );
  });

  it("binds the signature to this contract: one made for another ledger recovers a stranger", async function () {
    const f = await loadFixture(deployLedger);
    const request = emissions(f);
    const deadline = BigInt(await time.latest()) + 3_600n;
    const elsewhere = attestationDomain(f.domain.chainId as bigint, f.bob.address);
    const a = await signAttestation(request, deadline, [f.auditor], elsewhere);
    const stranger = recoverAddress(await f.ledger.attestationDigest(request, deadline), a.signatures[0] as string);
    expect(stranger).to.not.equal(f.auditor.address);
    await expect(f.ledger.issueAttested(a))
      .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
      .withArgs(f.auditor.address);
  });

  it("reverts with LedgerAttestationInvalidSignature when a signer is named for another auditor's signature", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditors[1]!]);
    const misnamed: Attestation = { ...a, signers: [f.auditors[0]!.address] };
    await expectNoChange(unissued(f, misnamed), () =>
      expect(f.ledger.issueAttested(misnamed))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(f.auditors[0]!.address),
    );
  });

  it("reverts with LedgerAttestationSignaturesMismatch when signers and signatures differ in number", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    const extra: Attestation = { ...a, signatures: [a.signatures[0]!, a.signatures[0]!] };
    await expectNoChange(unissued(f, extra), async () => {
      await expect(f.ledger.issueAttested(extra))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignaturesMismatch")
        .withArgs(1, 2);
      await expect(f.ledger.issueAttested({ ...a, signatures: [] }))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignaturesMismatch")
        .withArgs(1, 0);
    });
  });

  // SignatureChecker reports a malformed ECDSA signature as invalid rather than reverting with ECDSA's own errors.
  describe("malformed signatures", function () {
    it("reverts with LedgerAttestationInvalidSignature for a signature that is not 65 bytes", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const short: Attestation = { ...a, signatures: ["0x1234"] };
      await expectNoChange(unissued(f, short), () =>
        expect(f.ledger.issueAttested(short))
          .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
          .withArgs(f.auditor.address),
      );
    });

    it("reverts with LedgerAttestationInvalidSignature for a malleable (high-s) signature", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const sig = Signature.from(a.signatures[0] as string);
      const highS = SECP256K1_N - BigInt(sig.s);
      const flipped = concat([sig.r, toBeHex(highS, 32), toBeHex(sig.v === 27 ? 28 : 27, 1)]);
      // The flipped signature is as valid on the curve as the original; the contract refuses it all the same.
      expect(highS > SECP256K1_N / 2n).to.equal(true);
      await expect(f.ledger.issueAttested({ ...a, signatures: [flipped] }))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(f.auditor.address);
    });

    it("reverts with LedgerAttestationInvalidSignature when nothing can be recovered", async function () {
      const f = await loadFixture(deployLedger);
      const a = await attest(f, emissions(f), [f.auditor]);
      const sig = Signature.from(a.signatures[0] as string);
      const badV = concat([sig.r, sig.s, "0x1d"]);
      await expect(f.ledger.issueAttested({ ...a, signatures: [badV] }))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInvalidSignature")
        .withArgs(f.auditor.address);
    });
  });

  describe("with a threshold of two", function () {
    async function thresholdTwo() {
      const f = await loadFixture(deployLedger);
      await f.ledger.connect(f.admin).setAttestationThreshold(2);
      const [low, mid, high] = f.auditors as [typeof f.auditor, typeof f.auditor, typeof f.auditor];
      return { f, low, mid, high };
    }

    it("issues with two distinct auditors ascending; the lowest signer is the issuer", async function () {
      const { f, low, high } = await thresholdTwo();
      const a = await attest(f, emissions(f), [high, low]); // the helper orders them
      const id = requestId(f, a.request);
      const tx = f.ledger.connect(f.outsider).issueAttested(a);
      await expect(tx).to.emit(f.ledger, "Attested").withArgs(id, f.outsider.address, [low.address, high.address]);
      await expect(tx).to.emit(f.ledger, "Issued").withArgs(...issuedEventArgs(id, low.address, a.request));
    });

    it("accepts more signatures than the threshold", async function () {
      const { f, low, mid, high } = await thresholdTwo();
      const a = await attest(f, emissions(f), [low, mid, high]);
      await expect(f.ledger.issueAttested(a))
        .to.emit(f.ledger, "Attested")
        .withArgs(requestId(f, a.request), f.admin.address, [low.address, mid.address, high.address]);
    });

    it("reverts with LedgerAttestationInsufficientSignatures for one signature", async function () {
      const { f, low } = await thresholdTwo();
      const a = await attest(f, emissions(f), [low]);
      await expectNoChange(unissued(f, a), () =>
        expect(f.ledger.issueAttested(a))
          .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInsufficientSignatures")
          .withArgs(1, 2),
      );
    });

    it("reverts with LedgerAttestationSignersNotAscending for the same auditor twice", async function () {
      const { f, low } = await thresholdTwo();
      const a = await attest(f, emissions(f), [low]);
      const twice: Attestation = {
        ...a,
        signers: [low.address, low.address],
        signatures: [a.signatures[0] as string, a.signatures[0] as string],
      };
      await expectNoChange(unissued(f, twice), () =>
        expect(f.ledger.issueAttested(twice))
          .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignersNotAscending")
          .withArgs(low.address, low.address),
      );
    });

    it("reverts with LedgerAttestationSignersNotAscending for descending signers", async function () {
      const { f, low, high } = await thresholdTwo();
      const a = await attest(f, emissions(f), [low, high]);
      const descending: Attestation = { ...a, signers: [...a.signers].reverse(), signatures: [...a.signatures].reverse() };
      await expect(f.ledger.issueAttested(descending))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignersNotAscending")
        .withArgs(high.address, low.address);
    });

    it("refuses a non-auditor among the signers", async function () {
      const { f, low } = await thresholdTwo();
      const a = await attest(f, emissions(f), [low, f.outsider]);
      await expect(f.ledger.issueAttested(a))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignerNotAuditor")
        .withArgs(getAddress(f.outsider.address));
    });
  });

  it("reverts with LedgerAttestationInsufficientSignatures for no signature at the default threshold", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), []);
    await expect(f.ledger.issueAttested(a))
      .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationInsufficientSignatures")
      .withArgs(0, 1);
  });

  it("reverts with EnforcedPause while paused", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.pauser).pause();
    const a = await attest(f, emissions(f), [f.auditor]);
    await expectNoChange(unissued(f, a), () =>
      expect(f.ledger.issueAttested(a)).to.be.revertedWithCustomError(f.ledger, "EnforcedPause"),
    );
  });
});

describe("issueAttestedBatch", function () {
  it("issues every attestation in order, each with its Attested event", async function () {
    const f = await loadFixture(deployLedger);
    const list = [
      await attest(f, emissions(f, { amount: 1n }), [f.auditors[0]!]),
      await attest(f, emissions(f, { amount: 2n, issuee: f.globex.address }), [f.auditors[1]!]),
    ];
    const ids = list.map((a) => requestId(f, a.request));
    expect(await f.ledger.connect(f.bob).issueAttestedBatch.staticCall(list)).to.deep.equal(ids);
    const tx = f.ledger.connect(f.bob).issueAttestedBatch(list);
    await expect(tx).to.emit(f.ledger, "Attested").withArgs(ids[0], f.bob.address, [f.auditors[0]!.address]);
    await expect(tx).to.emit(f.ledger, "Attested").withArgs(ids[1], f.bob.address, [f.auditors[1]!.address]);
    expect(await f.ledger.balanceOf(f.globex.address, ids[1]!)).to.equal(2n);
  });

  it("reverts with LedgerEmptyBatch for no attestations", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.issueAttestedBatch([]))
      .to.be.revertedWithCustomError(f.ledger, "LedgerEmptyBatch")
      .withArgs();
  });

  it("issues nothing when one attestation fails (all or nothing)", async function () {
    const f = await loadFixture(deployLedger);
    const good = await attest(f, emissions(f), [f.auditor]);
    const unsigned = await attest(f, emissions(f), [f.outsider]);
    await expectNoChange(unissued(f, good), () =>
      expect(f.ledger.issueAttestedBatch([good, unsigned]))
        .to.be.revertedWithCustomError(f.ledger, "LedgerAttestationSignerNotAuditor")
        .withArgs(f.outsider.address),
    );
  });

  it("issues a repeated attestation once and skips the repeat (IssuanceSkipped)", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    const id = requestId(f, a.request);
    expect(await f.ledger.issueAttestedBatch.staticCall([a, a])).to.deep.equal([id, id]);
    const tx = f.ledger.connect(f.bob).issueAttestedBatch([a, a]);
    await expect(tx).to.emit(f.ledger, "IssuanceSkipped").withArgs(id, f.bob.address);
    expect(await f.ledger.issuedOf(id)).to.equal(a.request.amount);
    expect((await f.ledger.yearTotals(f.acme.address, 2024)).emissions).to.equal(a.request.amount);
  });

  it("reverts with LedgerEvidenceUsed when the batch holds two different attestations of one evidence hash", async function () {
    const f = await loadFixture(deployLedger);
    const a = await attest(f, emissions(f), [f.auditor]);
    const b = await attest(f, emissions(f, { evidenceHash: a.request.evidenceHash, amount: 1n }), [f.auditor]);
    await expectNoChange(unissued(f, a), () =>
      expect(f.ledger.issueAttestedBatch([a, b]))
        .to.be.revertedWithCustomError(f.ledger, "LedgerEvidenceUsed")
        .withArgs(a.request.evidenceHash, requestId(f, a.request)),
    );
  });
});
