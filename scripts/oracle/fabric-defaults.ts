/** Defaults of the Fabric source: the utility emissions channel as the working group deploys it. */
export const FABRIC_DEFAULTS = {
  channel: "emissions-data",
  chaincode: "emissions",
  queryFunction: "getAllEmissionsDataByDateRange",
  writeBackFunction: "updateEmissionsMintedToken",
  timeoutMs: 15_000,
} as const;
