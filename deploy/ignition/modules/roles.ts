/** Role ids as the contracts define them (`keccak256("NAME")`; the admin role is zero), for the modules' calls. */
import { ZeroHash, id } from "ethers";

export const ROLE = {
  DEFAULT_ADMIN: ZeroHash,
  PAUSER: id("PAUSER_ROLE"),
  REGISTRAR: id("REGISTRAR_ROLE"),
  EMISSIONS_AUDITOR: id("EMISSIONS_AUDITOR_ROLE"),
  REC_ISSUER: id("REC_ISSUER_ROLE"),
  OFFSET_ISSUER: id("OFFSET_ISSUER_ROLE"),
  REVOKER: id("REVOKER_ROLE"),
  PROPOSER: id("PROPOSER_ROLE"),
  EXECUTOR: id("EXECUTOR_ROLE"),
  CANCELLER: id("CANCELLER_ROLE"),
} as const;

/** The ledger's roles the parameters hand out, by the parameter listing their holders. */
export const LIST_ROLES = {
  registrars: ROLE.REGISTRAR,
  auditors: ROLE.EMISSIONS_AUDITOR,
  recIssuers: ROLE.REC_ISSUER,
  offsetIssuers: ROLE.OFFSET_ISSUER,
} as const;
export type RoleList = keyof typeof LIST_ROLES;

/** Salts of the two timelock operations the deployer runs during the handover (as scripts/governance/wiring.ts). */
export const ACCEPT_SALT = id("climate-dao/wiring/accept-ledger-admin");
export const DELAY_SALT = id("climate-dao/wiring/timelock-delay");
