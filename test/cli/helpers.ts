/** Helpers shared by the command-line tests. */
import { checkNetworkEnvironment } from "../../scripts/cli/lib/context";

export { UsageError } from "../../scripts/cli/lib/errors";

/** Runs the network environment check with `env` in place of the live-network variables, then restores them. */
export function checkNetworkEnvironmentForTest(network: string, env: Record<string, string>, keyEnv?: string): void {
  const names = ["GNOSIS_RPC_URL", "CHIADO_RPC_URL", "SEPOLIA_RPC_URL", "DEPLOYER_PRIVATE_KEY", ...Object.keys(env)];
  const saved = new Map(names.map((n) => [n, process.env[n]]));
  try {
    for (const n of names) delete process.env[n];
    Object.assign(process.env, env);
    checkNetworkEnvironment({ network, keyEnv }, true);
  } finally {
    for (const [n, v] of saved) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  }
}
