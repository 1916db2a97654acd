/**
 * The handover, once the ledger's admin-transfer delay has passed (the deploy command checks the time before it
 * runs this module, and otherwise says when to run `npm run deploy -- --finish`):
 *
 * 1. the deployer, still the timelock's admin, makes itself a temporary proposer and executor;
 * 2. through a timelock operation (delay 0), the timelock accepts the ledger's admin;
 * 3. through a second operation, the timelock's real minimum delay (parameter `timelockDelay` of "Dao");
 * 4. the deployer renounces every role on the timelock and the ledger: it keeps nothing.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { ZeroHash } from "ethers";
import { ACCEPT_SALT, DELAY_SALT, ROLE } from "./roles";
import type { RoleLists } from "./Ledger";
import { daoModule } from "./Dao";

export function handoverModule(lists: RoleLists) {
  return buildModule("Handover", (m) => {
    const daoDeployment = daoModule(lists);
    const dao = m.useModule(daoDeployment);
    const { ledger, timelock } = dao;
    const deployer = m.getAccount(0);

    const proposer = m.call(timelock, "grantRole", [ROLE.PROPOSER, deployer], { id: "timelock_grant_proposer_deployer", after: [daoDeployment] });
    const executor = m.call(timelock, "grantRole", [ROLE.EXECUTOR, deployer], { id: "timelock_grant_executor_deployer", after: [daoDeployment] });

    const accept = m.encodeFunctionCall(ledger, "acceptDefaultAdminTransfer", [], { id: "accept_ledger_admin_data" });
    const acceptOp = [ledger, 0, accept, ZeroHash, ACCEPT_SALT] as const;
    const scheduleAccept = m.call(timelock, "schedule", [...acceptOp, 0], { id: "schedule_accept_ledger_admin", after: [proposer, executor] });
    const accepted = m.call(timelock, "execute", [...acceptOp], { id: "execute_accept_ledger_admin", after: [scheduleAccept] });

    const updateDelay = m.encodeFunctionCall(timelock, "updateDelay", [m.getParameter<number>("timelockDelay")], { id: "timelock_delay_data" });
    const delayOp = [timelock, 0, updateDelay, ZeroHash, DELAY_SALT] as const;
    const scheduleDelay = m.call(timelock, "schedule", [...delayOp, 0], { id: "schedule_timelock_delay", after: [accepted] });
    const delaySet = m.call(timelock, "execute", [...delayOp], { id: "execute_timelock_delay", after: [scheduleDelay] });

    const timelockRoles = [["proposer", ROLE.PROPOSER], ["executor", ROLE.EXECUTOR], ["admin", ROLE.DEFAULT_ADMIN]] as const;
    for (const [name, role] of timelockRoles) {
      m.call(timelock, "renounceRole", [role, deployer], { id: `timelock_renounce_${name}`, after: [delaySet] });
    }
    const ledgerRoles = [
      ["pauser", ROLE.PAUSER], ["registrar", ROLE.REGISTRAR], ["auditor", ROLE.EMISSIONS_AUDITOR], ["rec_issuer", ROLE.REC_ISSUER],
      ["offset_issuer", ROLE.OFFSET_ISSUER], ["revoker", ROLE.REVOKER],
    ] as const;
    for (const [name, role] of ledgerRoles) {
      m.call(ledger, "renounceRole", [role, deployer], { id: `ledger_renounce_${name}`, after: [accepted] });
    }
    return dao;
  });
}
