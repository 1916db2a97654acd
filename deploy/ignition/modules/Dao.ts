/**
 * The climate DAO beside the ledger (parameters section "Dao"), wired as scripts/governance/wiring.ts wires it:
 * the timelock (delay 0 and the deployer as temporary admin until the handover), the voting token (the timelock
 * mints), the governor, the claims registry; the governor the timelock's proposer, canceller and only executor;
 * the timelock the ledger's offset and REC issuer and revoker; the governor the ledger's proposal source; and the
 * first step of the ledger's two-step admin transfer to the timelock. The second step must wait for the ledger's
 * admin-transfer delay: that is the Handover module.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ROLE } from "./roles";
import type { RoleLists } from "./Ledger";
import { ledgerModule } from "./Ledger";

export function daoModule(lists: RoleLists) {
  return buildModule("Dao", (m) => {
    const { ledger } = m.useModule(ledgerModule(lists));
    const deployer = m.getAccount(0);
    const timelock = m.contract("Timelock", [0, [], [], deployer]);
    const token = m.contract("VotingToken", [
      m.getParameter<string>("tokenName"), m.getParameter<string>("tokenSymbol"), m.getParameter<string[]>("holders"),
      m.getParameter<bigint[]>("amounts"), timelock, m.getParameter<boolean>("transferable"),
    ]);
    const governor = m.contract("ClimateGovernor", [
      token, timelock, m.getParameter<number>("votingDelay"), m.getParameter<number>("votingPeriod"),
      m.getParameter<bigint>("proposalThreshold"), m.getParameter<number>("quorumPercent"),
      m.getParameter<number>("lateQuorumExtension"), m.getParameter<boolean>("quadratic"),
    ]);
    const claims = m.contract("ClaimsRegistry", [ledger, timelock, governor]);

    // The governor proposes, cancels and (alone) executes on the timelock.
    const governorRoles = ([["proposer", ROLE.PROPOSER], ["canceller", ROLE.CANCELLER], ["executor", ROLE.EXECUTOR]] as const)
      .map(([name, role]) => m.call(timelock, "grantRole", [role, governor], { id: `timelock_grant_${name}_governor` }));
    // The timelock issues offsets and RECs and revokes; the governor names the proposal behind each revocation.
    const ledgerRoles = ([["offsetIssuers", ROLE.OFFSET_ISSUER], ["recIssuers", ROLE.REC_ISSUER], ["revoker", ROLE.REVOKER]] as const)
      .map(([name, role]) => m.call(ledger, "grantRole", [role, timelock], { id: `ledger_grant_${name}_timelock` }));
    const source = m.call(ledger, "setProposalSource", [governor], { id: "ledger_proposal_source_governor" });
    // Begun last, so every call the deployer makes as the ledger's admin comes first.
    m.call(ledger, "beginDefaultAdminTransfer", [timelock], { id: "ledger_begin_admin_transfer_timelock", after: [...governorRoles, ...ledgerRoles, source] });
    return { ledger, timelock, token, governor, claims };
  });
}
