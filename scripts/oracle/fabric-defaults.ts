/** Defaults of the Fabric source: the utility emissions channel as the working group deploys it. */
export const FABRIC_DEFAULTS = {
  channel: "emissions-data",
  chaincode: "emissions",
  queryFunction: "getAllEmissionsDataByDateRange",
  writeBackFunction: "updateEmissionsMintedToken",
  timeoutMs: 15_000,
  /** The client's gRPC receive limit: 64 MiB (about 60,000 records per response; larger ranges are split). */
  maxReceiveBytes: 64 * 1024 * 1024,
  /** Days queried on each side of a chunk (select.ts): bills up to 185 days are never lost at a chunk bound. */
  overlapDays: 92,
} as const;
