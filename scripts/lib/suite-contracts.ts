/**
 * The suite's main contracts of a deployment record, typed, through Hardhat's ethers: for scripts run with
 * `hardhat run` that deploy the suite and then use it (the demo, the app's seed).
 */
import type { HardhatRuntimeEnvironment } from "hardhat/types";
import type { CarbonLedger, ClaimsRegistry, ClimateGovernor, VotingToken } from "../../typechain-types";
import type { DeploymentRecord } from "./deployment";

export interface SuiteContracts {
  ledger: CarbonLedger;
  governor: ClimateGovernor;
  token: VotingToken;
  claims: ClaimsRegistry;
}

/** The ledger, governor, voting token and claims registry of `record`, connected to the first signer. */
export async function suiteContractsAt(hre: HardhatRuntimeEnvironment, record: DeploymentRecord): Promise<SuiteContracts> {
  const at = async <T>(name: "CarbonLedger" | "ClimateGovernor" | "VotingToken" | "ClaimsRegistry"): Promise<T> =>
    (await hre.ethers.getContractAt(name, record.contracts[name]?.address ?? "")) as unknown as T;
  return {
    ledger: await at<CarbonLedger>("CarbonLedger"),
    governor: await at<ClimateGovernor>("ClimateGovernor"),
    token: await at<VotingToken>("VotingToken"),
    claims: await at<ClaimsRegistry>("ClaimsRegistry"),
  };
}
