/**
 * The commitment to a retirement beneficiary's name stored on chain: keccak256(utf8(name) ++ salt), i.e.
 * Solidity's `keccak256(abi.encodePacked(name, salt))`. One implementation for the command line, the demo and the
 * web app (no Node-only imports); the salt is 32 bytes in hex and stays with the beneficiary.
 */
import { keccak_256 } from "@noble/hashes/sha3";

const toHex = (bytes: Uint8Array): string => `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;

function fromHex(hex: string): Uint8Array {
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new Error(`salt "${hex}": expected 0x + 64 hex digits`);
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = parseInt(hex.slice(2 + 2 * i, 4 + 2 * i), 16);
  return out;
}

/** keccak256(utf8(name) ++ salt) as 0x hex. */
export function nameCommitment(name: string, salt: string): string {
  const nameBytes = new TextEncoder().encode(name);
  const message = new Uint8Array(nameBytes.length + 32);
  message.set(nameBytes, 0);
  message.set(fromHex(salt), nameBytes.length);
  return toHex(keccak_256(message));
}

/** A fresh random 32-byte salt (Web Crypto, in browsers and Node 20). */
export function randomSalt(): string {
  const bytes = new Uint8Array(32);
  globalThis.crypto.getRandomValues(bytes);
  return toHex(bytes);
}
