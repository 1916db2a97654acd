/**
 * EIP-712 attestations of emissions issuances: what auditors sign off chain and anyone may submit
 * with CarbonLedger.issueAttested. Shared by the oracle, the CLI and the tests.
 */
import type { TypedDataDomain, TypedDataField } from "ethers";
import { concat, getAddress, keccak256, toUtf8Bytes } from "ethers";

/** The fields of ICarbonLedger.IssueRequest as ethers encodes them. */
export interface IssueRequest {
  tokenType: number;
  issuee: string;
  amount: bigint;
  fromDate: number;
  thruDate: number;
  evidenceHash: string;
  /** Keys of the underlying records (audited emissions: at least one; see token-id.ts). */
  records: string[];
  metadata: string;
}

/**
 * ICarbonLedger.Attestation: a request, its deadline, and the signers in ascending order with a signature each
 * (ECDSA for an account, ERC-1271 for a smart-contract wallet).
 */
export interface Attestation {
  request: IssueRequest;
  deadline: bigint;
  signers: string[];
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
    { name: "recordsHash", type: "bytes32" },
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
    // keccak256(abi.encodePacked(bytes32[])): the keys back to back.
    recordsHash: keccak256(concat(request.records)),
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
      signer: await s.getAddress(),
      signature: await s.signTypedData(domain, ATTESTATION_TYPES, value),
    })),
  );
  return assembleAttestation(request, deadline, signed);
}

/** Orders signatures by ascending signer, as the contract requires, into an attestation. */
export function assembleAttestation(
  request: IssueRequest,
  deadline: bigint,
  signed: { signer: string; signature: string }[],
): Attestation {
  const order = (a: { signer: string }, b: { signer: string }) => {
    const [x, y] = [BigInt(a.signer), BigInt(b.signer)];
    return x < y ? -1 : x > y ? 1 : 0;
  };
  const sorted = [...signed].sort(order);
  return {
    request,
    deadline,
    signers: sorted.map((s) => getAddress(s.signer)),
    signatures: sorted.map((s) => s.signature),
  };
}
