import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { ZeroAddress, ZeroHash } from "ethers";
import { expectNoChange } from "../helpers/state";
import { ADMIN_TRANSFER_DELAY, deployLedger, issueRequest, TokenType } from "./fixtures";

const DEFAULT_ADMIN_ROLE = ZeroHash;

describe("limited mode and participants", function () {
  it("starts off, with nobody registered", async function () {
    const f = await loadFixture(deployLedger);
    expect(await f.ledger.limitedMode()).to.equal(false);
    expect(await f.ledger.isParticipant(f.alice.address)).to.equal(false);
  });

  it("lets the admin switch limited mode, logging old and new", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.admin).setLimitedMode(true)).to.emit(f.ledger, "LimitedModeSet").withArgs(false, true);
    expect(await f.ledger.limitedMode()).to.equal(true);
    await expect(f.ledger.connect(f.admin).setLimitedMode(false)).to.emit(f.ledger, "LimitedModeSet").withArgs(true, false);
    expect(await f.ledger.limitedMode()).to.equal(false);
  });

  it("reverts with AccessControlUnauthorizedAccount when anyone but the admin switches it", async function () {
    const f = await loadFixture(deployLedger);
    for (const caller of [f.registrar, f.pauser, f.alice]) {
      await expectNoChange(
        () => f.ledger.limitedMode(),
        () =>
          expect(f.ledger.connect(caller).setLimitedMode(true))
            .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, DEFAULT_ADMIN_ROLE),
      );
    }
  });

  it("lets the registrar register and unregister participants", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.registrar).setParticipant(f.alice.address, true))
      .to.emit(f.ledger, "ParticipantSet")
      .withArgs(f.alice.address, true);
    expect(await f.ledger.isParticipant(f.alice.address)).to.equal(true);
    await expect(f.ledger.connect(f.registrar).setParticipant(f.alice.address, false))
      .to.emit(f.ledger, "ParticipantSet")
      .withArgs(f.alice.address, false);
    expect(await f.ledger.isParticipant(f.alice.address)).to.equal(false);
  });

  it("reverts with AccessControlUnauthorizedAccount when anyone but the registrar registers", async function () {
    const f = await loadFixture(deployLedger);
    for (const caller of [f.admin, f.alice]) {
      await expectNoChange(
        () => f.ledger.isParticipant(f.alice.address),
        () =>
          expect(f.ledger.connect(caller).setParticipant(f.alice.address, true))
            .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
            .withArgs(caller.address, ethers.id("REGISTRAR_ROLE")),
      );
    }
  });

  it("reverts with LedgerZeroAddress for the zero account", async function () {
    const f = await loadFixture(deployLedger);
    await expectNoChange(
      () => f.ledger.isParticipant(ZeroAddress),
      () =>
        expect(f.ledger.connect(f.registrar).setParticipant(ZeroAddress, true)).to.be.revertedWithCustomError(
          f.ledger,
          "LedgerZeroAddress",
        ),
    );
  });
});

describe("pause", function () {
  it("lets the pauser pause and unpause", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.pauser).pause()).to.emit(f.ledger, "Paused").withArgs(f.pauser.address);
    expect(await f.ledger.paused()).to.equal(true);
    await expect(f.ledger.connect(f.pauser).unpause()).to.emit(f.ledger, "Unpaused").withArgs(f.pauser.address);
    expect(await f.ledger.paused()).to.equal(false);
  });

  it("reverts with AccessControlUnauthorizedAccount for anyone but the pauser", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.admin).pause())
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.admin.address, ethers.id("PAUSER_ROLE"));
    await f.ledger.connect(f.pauser).pause();
    await expect(f.ledger.connect(f.alice).unpause())
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.alice.address, ethers.id("PAUSER_ROLE"));
    expect(await f.ledger.paused()).to.equal(true);
  });

  it("reverts with EnforcedPause when already paused and ExpectedPause when not paused", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.pauser).unpause()).to.be.revertedWithCustomError(f.ledger, "ExpectedPause");
    await f.ledger.connect(f.pauser).pause();
    await expect(f.ledger.connect(f.pauser).pause()).to.be.revertedWithCustomError(f.ledger, "EnforcedPause");
  });

  it("still allows administration and reads while paused", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.pauser).pause();
    await f.ledger.connect(f.registrar).setParticipant(f.alice.address, true);
    await f.ledger.connect(f.admin).setLimitedMode(true);
    await f.ledger.connect(f.admin).setAttestationThreshold(2);
    await f.ledger.connect(f.alice).setApprovalForAll(f.bob.address, true);
    expect(await f.ledger.isApprovedForAll(f.alice.address, f.bob.address)).to.equal(true);
  });
});

describe("admin", function () {
  it("starts with the initial admin and the configured transfer delay", async function () {
    const f = await loadFixture(deployLedger);
    expect(await f.ledger.defaultAdmin()).to.equal(f.admin.address);
    expect(await f.ledger.owner()).to.equal(f.admin.address);
    expect(await f.ledger.defaultAdminDelay()).to.equal(ADMIN_TRANSFER_DELAY);
    expect(await f.ledger.hasRole(DEFAULT_ADMIN_ROLE, f.admin.address)).to.equal(true);
  });

  it("transfers the admin role in two steps, after the delay, to the named account only", async function () {
    const f = await loadFixture(deployLedger);
    const begin = f.ledger.connect(f.admin).beginDefaultAdminTransfer(f.newAdmin.address);
    await expect(begin).to.emit(f.ledger, "DefaultAdminTransferScheduled");
    const [pending, schedule] = await f.ledger.pendingDefaultAdmin();
    expect(pending).to.equal(f.newAdmin.address);
    expect(schedule).to.equal(BigInt(await time.latest()) + BigInt(ADMIN_TRANSFER_DELAY));

    await expect(f.ledger.connect(f.newAdmin).acceptDefaultAdminTransfer())
      .to.be.revertedWithCustomError(f.ledger, "AccessControlEnforcedDefaultAdminDelay")
      .withArgs(schedule);
    await time.increaseTo(schedule + 1n);
    await expect(f.ledger.connect(f.outsider).acceptDefaultAdminTransfer())
      .to.be.revertedWithCustomError(f.ledger, "AccessControlInvalidDefaultAdmin")
      .withArgs(f.outsider.address);
    expect(await f.ledger.defaultAdmin()).to.equal(f.admin.address);

    await f.ledger.connect(f.newAdmin).acceptDefaultAdminTransfer();
    expect(await f.ledger.defaultAdmin()).to.equal(f.newAdmin.address);
    expect(await f.ledger.hasRole(DEFAULT_ADMIN_ROLE, f.admin.address)).to.equal(false);
    await expect(f.ledger.connect(f.admin).setLimitedMode(true))
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.admin.address, DEFAULT_ADMIN_ROLE);
    await expect(f.ledger.connect(f.newAdmin).setLimitedMode(true)).to.emit(f.ledger, "LimitedModeSet");
  });

  it("reverts with AccessControlEnforcedDefaultAdminRules for a direct grant of the admin role", async function () {
    const f = await loadFixture(deployLedger);
    await expect(
      f.ledger.connect(f.admin).grantRole(DEFAULT_ADMIN_ROLE, f.newAdmin.address),
    ).to.be.revertedWithCustomError(f.ledger, "AccessControlEnforcedDefaultAdminRules");
    expect(await f.ledger.hasRole(DEFAULT_ADMIN_ROLE, f.newAdmin.address)).to.equal(false);
  });

  it("lets the admin grant and revoke roles; a revoked issuer can no longer issue", async function () {
    const f = await loadFixture(deployLedger);
    const role = await f.ledger.REC_ISSUER_ROLE();
    await expect(f.ledger.connect(f.admin).grantRole(role, f.bob.address))
      .to.emit(f.ledger, "RoleGranted")
      .withArgs(role, f.bob.address, f.admin.address);
    await f.ledger.connect(f.bob).issue(issueRequest({ issuee: f.alice.address }));
    await expect(f.ledger.connect(f.admin).revokeRole(role, f.bob.address))
      .to.emit(f.ledger, "RoleRevoked")
      .withArgs(role, f.bob.address, f.admin.address);
    await expect(f.ledger.connect(f.bob).issue(issueRequest({ issuee: f.alice.address })))
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.bob.address, role);
  });

  it("reverts with AccessControlUnauthorizedAccount when a non-admin grants a role", async function () {
    const f = await loadFixture(deployLedger);
    const role = await f.ledger.EMISSIONS_AUDITOR_ROLE();
    await expect(f.ledger.connect(f.auditor).grantRole(role, f.alice.address))
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.auditor.address, DEFAULT_ADMIN_ROLE);
    expect(await f.ledger.hasRole(role, f.alice.address)).to.equal(false);
  });

  it("exposes each role constant as the keccak256 of its name", async function () {
    const f = await loadFixture(deployLedger);
    expect(await f.ledger.REC_ISSUER_ROLE()).to.equal(ethers.id("REC_ISSUER_ROLE"));
    expect(await f.ledger.OFFSET_ISSUER_ROLE()).to.equal(ethers.id("OFFSET_ISSUER_ROLE"));
    expect(await f.ledger.EMISSIONS_AUDITOR_ROLE()).to.equal(ethers.id("EMISSIONS_AUDITOR_ROLE"));
    expect(await f.ledger.REVOKER_ROLE()).to.equal(ethers.id("REVOKER_ROLE"));
    expect(await f.ledger.PAUSER_ROLE()).to.equal(ethers.id("PAUSER_ROLE"));
    expect(await f.ledger.REGISTRAR_ROLE()).to.equal(ethers.id("REGISTRAR_ROLE"));
  });
});

describe("attestation threshold", function () {
  it("defaults to one signature", async function () {
    const f = await loadFixture(deployLedger);
    expect(await f.ledger.attestationThreshold()).to.equal(1);
  });

  it("lets the admin set it, logging old and new", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.admin).setAttestationThreshold(3))
      .to.emit(f.ledger, "AttestationThresholdSet")
      .withArgs(1, 3);
    expect(await f.ledger.attestationThreshold()).to.equal(3);
  });

  it("reverts with LedgerInvalidThreshold for zero", async function () {
    const f = await loadFixture(deployLedger);
    await expectNoChange(
      () => f.ledger.attestationThreshold(),
      () =>
        expect(f.ledger.connect(f.admin).setAttestationThreshold(0))
          .to.be.revertedWithCustomError(f.ledger, "LedgerInvalidThreshold")
          .withArgs(0),
    );
  });

  it("reverts with AccessControlUnauthorizedAccount for anyone but the admin", async function () {
    const f = await loadFixture(deployLedger);
    await expect(f.ledger.connect(f.auditor).setAttestationThreshold(2))
      .to.be.revertedWithCustomError(f.ledger, "AccessControlUnauthorizedAccount")
      .withArgs(f.auditor.address, DEFAULT_ADMIN_ROLE);
    expect(await f.ledger.attestationThreshold()).to.equal(1);
  });

  it("above one, blocks direct issuance of audited emissions by a single auditor (LedgerEmissionsNeedAttestation)", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.admin).setAttestationThreshold(3);
    await expect(
      f.ledger.connect(f.auditor).issue(issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address })),
    )
      .to.be.revertedWithCustomError(f.ledger, "LedgerEmissionsNeedAttestation")
      .withArgs(3);
    // RECs and offsets have no attestation path: their issuers still issue directly.
    await expect(f.ledger.connect(f.recIssuer).issue(issueRequest({ issuee: f.alice.address }))).to.emit(
      f.ledger,
      "Issued",
    );
  });

  it("at one, lets a single auditor issue audited emissions directly", async function () {
    const f = await loadFixture(deployLedger);
    await f.ledger.connect(f.admin).setAttestationThreshold(2);
    await f.ledger.connect(f.admin).setAttestationThreshold(1);
    await expect(
      f.ledger.connect(f.auditor).issue(issueRequest({ tokenType: TokenType.Emissions, issuee: f.acme.address })),
    ).to.emit(f.ledger, "Issued");
  });
});
