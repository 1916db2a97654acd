/** Typed access to the suite's contracts of a connected context, and the checks shared by commands. */
import type { CarbonLedger } from "../../../typechain-types";
import type { Context } from "./context";
import { suiteContract } from "./context";
import { UsageError } from "./errors";
import { idHex, ROLES } from "./args";
import type { RoleName } from "./args";
import { roleId } from "./ledger";

export const ledgerOf = (ctx: Context): Promise<CarbonLedger> => suiteContract<CarbonLedger>(ctx, "CarbonLedger");

/** The block where log queries start: the ledger's deployment block. */
export const ledgerBlock = (ctx: Context): number => ctx.record?.contracts.CarbonLedger?.block ?? 0;

/** Refuses (exit 2) when `account` lacks `role` on the ledger. */
export async function requireRole(ledger: CarbonLedger, role: RoleName, account: string, what = "--from"): Promise<void> {
  if (!(await ledger.hasRole(await roleId(ledger, role), account))) {
    const hint = role === "admin" ? "; after deployment the admin is the timelock: propose it with `dao propose`" : "";
    throw new UsageError(`${what} ${account}: lacks ${ROLES[role]} (${role}) on the ledger${hint}`);
  }
}

/** Refuses (exit 2) when no token `id` exists. */
export async function requireToken(ledger: CarbonLedger, id: bigint, what = "--id"): Promise<void> {
  if (!(await ledger.exists(id))) throw new UsageError(`${what} ${idHex(id)}: unknown token (no issuance has this id)`);
}
