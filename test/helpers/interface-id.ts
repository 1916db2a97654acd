import { Interface } from "ethers";

/**
 * The ERC-165 interface id of a set of functions: the XOR of their selectors.
 * Pass human-readable signatures, e.g. `["function balanceOf(address,uint256)"]`, or an ethers Interface.
 */
export function interfaceId(functions: string[] | Interface): string {
  const iface = functions instanceof Interface ? functions : new Interface(functions);
  let id = 0n;
  iface.forEachFunction((fn) => {
    id ^= BigInt(fn.selector);
  });
  return `0x${id.toString(16).padStart(8, "0")}`;
}
