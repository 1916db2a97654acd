/** Deployer and admin commands: roles (list, grant, revoke), participants, limited mode, pause, threshold. */
import type { Command } from "commander";
import { ROLES, parseAddress, parseInteger, parseRole, parseSwitch } from "../lib/args";
import type { RoleName } from "../lib/args";
import { action, opt, withCommon } from "../lib/command";
import type { Context } from "../lib/context";
import { connect, sendTx } from "../lib/context";
import { need } from "../lib/errors";
import { roleHolders, roleId } from "../lib/ledger";
import { emit, table } from "../lib/output";
import { addressBook, labelled } from "../lib/address-book";
import { ledgerBlock, ledgerOf, requireRole } from "../lib/suite";

/** Sends one admin transaction after checking the sender's role; prints what happened. */
async function adminTx(
  ctx: Context, role: RoleName, method: string, args: unknown[], summary: string, result: Record<string, unknown>,
): Promise<void> {
  const ledger = await ledgerOf(ctx);
  await requireRole(ledger, role, ctx.from);
  const tx = await sendTx(ctx, { contract: ledger, method, args, summary });
  emit(ctx.options.json === true, { ...result, transaction: tx.hash, block: tx.block }, () => [`${summary} (tx ${tx.hash})`]);
}

export function registerAdmin(program: Command): void {
  const admin = program.command("admin").description("deployer and admin: roles, participants, limited mode, pause, attestation threshold");

  withCommon(admin.command("roles").description("list who holds which role on the ledger"))
    .action(action(async (_opts, g) => {
      const ctx = await connect(g);
      const ledger = await ledgerOf(ctx);
      const holders = await roleHolders(ledger, ledgerBlock(ctx));
      const book = addressBook(ctx.record);
      const [limited, threshold, paused] = await Promise.all([ledger.limitedMode(), ledger.attestationThreshold(), ledger.paused()]);
      emit(g.json === true, { roles: holders, limitedMode: limited, attestationThreshold: Number(threshold), paused }, () => [
        ...table(["role", "constant", "holders"], (Object.keys(ROLES) as RoleName[]).map((r) => [r, ROLES[r], holders[r].map((a) => labelled(book, a)).join(", ") || "(none)"])),
        `limited mode ${limited ? "on" : "off"}; attestation threshold ${threshold}; ${paused ? "PAUSED" : "not paused"}`,
      ]);
    }));

  for (const [verb, method] of [["grant", "grantRole"], ["revoke", "revokeRole"]] as const) {
    withCommon(admin.command(verb).description(`${verb} a ledger role (needs the admin role)`))
      .requiredOption("--role <role>", `role: ${Object.keys(ROLES).join(", ")}`)
      .requiredOption("--account <address>", "account")
      .action(action(async (opts, g) => {
        const role = need(parseRole(opt(opts, "role")));
        const account = need(parseAddress(opt(opts, "account"), "--account"));
        const ctx = await connect(g);
        const ledger = await ledgerOf(ctx);
        await adminTx(ctx, "admin", method, [await roleId(ledger, role), account], `${verb} ${role} ${verb === "grant" ? "to" : "from"} ${account}`, { role, account });
      }));
  }

  for (const [verb, registered] of [["register", true], ["unregister", false]] as const) {
    withCommon(admin.command(verb).description(`${verb} a participant for limited mode (needs the registrar role)`))
      .requiredOption("--account <address>", "participant account")
      .action(action(async (opts, g) => {
        const account = need(parseAddress(opt(opts, "account"), "--account"));
        const ctx = await connect(g);
        await adminTx(ctx, "registrar", "setParticipant", [account, registered], `${verb} participant ${account}`, { account, registered });
      }));
  }

  withCommon(admin.command("limited-mode").description("switch limited mode: tokens move only between registered participants (admin)"))
    .requiredOption("--set <on|off>", "on or off")
    .action(action(async (opts, g) => {
      const on = need(parseSwitch(opt(opts, "set"), "--set"));
      const ctx = await connect(g);
      await adminTx(ctx, "admin", "setLimitedMode", [on], `switch limited mode ${on ? "on" : "off"}`, { limitedMode: on });
    }));

  withCommon(admin.command("threshold").description("set how many auditor signatures an attestation needs (admin)"))
    .requiredOption("--set <n>", "number of signatures, 1 to 255")
    .action(action(async (opts, g) => {
      const n = need(parseInteger(opt(opts, "set"), "--set", 1, 255));
      const ctx = await connect(g);
      await adminTx(ctx, "admin", "setAttestationThreshold", [n], `set the attestation threshold to ${n}`, { attestationThreshold: n });
    }));

  for (const verb of ["pause", "unpause"] as const) {
    withCommon(admin.command(verb).description(`${verb} issuance, transfers and retirement (guardian: pauser role)`))
      .action(action(async (_opts, g) => {
        const ctx = await connect(g);
        await adminTx(ctx, "pauser", verb, [], `${verb} the ledger`, { paused: verb === "pause" });
      }));
  }
}
