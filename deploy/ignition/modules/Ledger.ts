/**
 * The CarbonLedger with the roles and settings of the network's parameters (deploy/ignition/parameters/<network>.json,
 * section "Ledger"). The deployer (account 0 of the deployment) is its first admin until the handover.
 *
 * The role lists (registrars, auditors, REC and offset issuers) give one `grantRole` future per account, so the module
 * is built from them: `ledgerModule(lists)`; every other value is a module parameter.
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import { LIST_ROLES, ROLE } from "./roles";
import type { RoleList } from "./roles";

export type RoleLists = Record<RoleList, readonly string[]>;

export function ledgerModule(lists: RoleLists) {
  return buildModule("Ledger", (m) => {
    const deployer = m.getAccount(0);
    const ledger = m.contract("CarbonLedger", [deployer, m.getParameter<number>("adminTransferDelay")]);
    m.call(ledger, "grantRole", [ROLE.PAUSER, m.getParameter<string>("guardian")], { id: "grant_pauser_guardian" });
    for (const [list, role] of Object.entries(LIST_ROLES) as [RoleList, string][]) {
      for (const account of lists[list]) m.call(ledger, "grantRole", [role, account], { id: `grant_${list}_${account}` });
    }
    m.call(ledger, "setLimitedMode", [m.getParameter<boolean>("limitedMode")]);
    m.call(ledger, "setAttestationThreshold", [m.getParameter<number>("attestationThreshold")]);
    return { ledger };
  });
}
