/** A valid record in the shape of the utility emissions channel. */
export const goodRecord = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  uuid: "5f0c2a44-9b3e-4d8e-a0f1-0d3b1c2e4f51",
  utilityId: "US-RFCE-PECO",
  partyId: "acme-manufacturing",
  fromDate: "2023-03-03",
  thruDate: "2023-03-31",
  emissionsAmount: 1234.567,
  emissionsUom: "kg",
  renewableEnergyUseAmount: 1000,
  nonrenewableEnergyUseAmount: 4257,
  energyUseUom: "kWh",
  factorSource: "eGRID2022",
  url: "https://bills.example/1.pdf",
  md5: "b5e704962439e46f2360012e30733c8f",
  ...over,
});
