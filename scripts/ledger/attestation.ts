/**
 * EIP-712 attestations of emissions issuances: what auditors sign off chain and anyone may submit
 * with CarbonLedger.issueAttested. Shared by the oracle, the CLI and the tests.
 */
import type { TypedDataDomain, TypedDataField } from "ethers";
import { getAddress, keccak256, toUtf8Bytes } from "ethers";

/** The fields of ICarbonLedger.IssueRequest as ethers encodes them. */
export interface IssueRequest {
  tokenType: number;
  issuee: string;
  amount: bigint;
  fromDate: number;
  thruDate: number;
  evidenceHash: string;
  metadata: string;
}

/** ICarbonLedger.Attestation: a request, its deadline and signatures ordered by ascending signer. */
export interface Attestation {
  request: IssueRequest;
  deadline: bigint;
  signatures: string[];
}

/** Must match CarbonLedger's EIP712("CarbonLedger", "1") and ATTESTATION_TYPEHASH. */
export const ATTESTATION_TYPES: Record<string, TypedDataField[]> = {
  Attestation: [
    { name: "tokenType", type: "uint8" },
    { name: "issuee", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "fromDate", type: "uint40" },
    { name: "thruDate", type: "uint40" },
    { name: "evidenceHash", type: "bytes32" },
    { name: "metadataHash", type: "bytes32" },
    { name: "deadline", type: "uint256" },
  ],
};

export function attestationDomain(chainId: bigint | number, ledgerAddress: string): TypedDataDomain {
  return { name: "CarbonLedger", version: "1", chainId, verifyingContract: getAddress(ledgerAddress) };
}

export function attestationValue(request: IssueRequest, deadline: bigint): Record<string, unknown> {
  // The contract signs over keccak256(bytes(metadata)), the UTF-8 bytes of the string.
  return {
    tokenType: request.tokenType,
    issuee: request.issuee,
    amount: request.amount,
    fromDate: request.fromDate,
    thruDate: request.thruDate,
    evidenceHash: request.evidenceHash,
    metadataHash: keccak256(toUtf8Bytes(request.metadata)),
    deadline,
  };
}

/** Anything that signs EIP-712 typed data: an ethers Wallet or a Hardhat signer. */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(
    domain: TypedDataDomain,
    types: Record<string, TypedDataField[]>,
    value: Record<string, unknown>,
  ): Promise<string>;
}

/**
 * Signs `request` with every signer and returns the attestation with signatures ordered by ascending
 * signer address, as the contract requires.
 */
export async function signAttestation(
  request: IssueRequest,
  deadline: bigint,
  signers: TypedDataSigner[],
  domain: TypedDataDomain,
): Promise<Attestation> {
  const value = attestationValue(request, deadline);
  const signed = await Promise.all(
    signers.map(async (s) => ({
      address: BigInt(await s.getAddress()),
      signature: await s.signTypedData(domain, ATTESTATION_TYPES, value),
    })),
  );
  signed.sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  return { request, deadline, signatures: signed.map((s) => s.signature) };
}
