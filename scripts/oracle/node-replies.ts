/**
 * What an Ethereum node means when it refuses `eth_sendRawTransaction` without refusing the transaction itself. None
 * of these is an error for the oracle: the transaction (or another one with its nonce) is in; waiting for the
 * receipt decides which. Each client words it differently, and says it in the error message, in `data`, or as an
 * enum name; the table keeps the source of each string so it can be checked against the client when it changes.
 */

/**
 * - `known`: this very transaction is already in the node's pool;
 * - `nonce-used`: a transaction with this nonce is already mined (ours or another);
 * - `nonce-taken`: another transaction with this nonce waits in the pool and ours does not pay enough to replace it.
 */
export type BroadcastReply = "known" | "nonce-used" | "nonce-taken";

export interface ReplyRule {
  client: string;
  match: RegExp;
  reply: BroadcastReply;
  /** Where the client defines the string (repository path, or the package that ships it). */
  source: string;
}

export const BROADCAST_REPLIES: readonly ReplyRule[] = [
  // go-ethereum; also what current Nethermind, Erigon and Besu's geth-compatible messages say.
  { client: "geth", match: /already known/i, reply: "known", source: "ethereum/go-ethereum core/txpool/errors.go (ErrAlreadyKnown)" },
  { client: "geth", match: /nonce too low/i, reply: "nonce-used", source: "ethereum/go-ethereum core/error.go (ErrNonceTooLow)" },
  { client: "geth", match: /replacement transaction underpriced/i, reply: "nonce-taken", source: "ethereum/go-ethereum core/txpool/errors.go (ErrReplaceUnderpriced)" },
  // Nethermind: current releases use geth's phrases (TxPoolErrorMessages); older ones replied with the result's name.
  { client: "Nethermind", match: /\bAlreadyKnown\b/, reply: "known", source: "NethermindEth/nethermind src/Nethermind/Nethermind.TxPool/AcceptTxResult.cs (AlreadyKnown; TxPoolErrorMessages.AlreadyKnown = \"already known\")" },
  { client: "Nethermind", match: /\bOldNonce\b/, reply: "nonce-used", source: "NethermindEth/nethermind src/Nethermind/Nethermind.TxPool/AcceptTxResult.cs (OldNonce; TxPoolErrorMessages.NonceTooLow = \"nonce too low\")" },
  { client: "Nethermind", match: /\bReplacementNotAllowed\b/, reply: "nonce-taken", source: "NethermindEth/nethermind src/Nethermind/Nethermind.TxPool/AcceptTxResult.cs (ReplacementNotAllowed; \"replacement transaction underpriced\")" },
  // Erigon: "<ImportResult name>: <DiscardReason>", e.g. "ALREADY_EXISTS: already known".
  { client: "Erigon", match: /\bALREADY_EXISTS\b/, reply: "known", source: "erigontech/erigon turbo/jsonrpc/send_transaction.go (txpoolproto.ImportResult_ALREADY_EXISTS) and txnprovider/txpool/txpoolcfg (DiscardReason AlreadyKnown)" },
  // Besu: RpcErrorType messages, and TransactionInvalidReason names in some replies' data.
  { client: "Besu", match: /(^|[^a-z])known transaction/i, reply: "known", source: "hyperledger/besu ethereum/api/.../RpcErrorType.java (ETH_SEND_TX_ALREADY_KNOWN \"Known transaction\")" },
  { client: "Besu", match: /\bTRANSACTION_ALREADY_KNOWN\b/, reply: "known", source: "hyperledger/besu ethereum/eth/.../TransactionInvalidReason.java (TRANSACTION_ALREADY_KNOWN)" },
  { client: "Besu", match: /\bNONCE_TOO_LOW\b/, reply: "nonce-used", source: "hyperledger/besu RpcErrorType.java (NONCE_TOO_LOW -32001 \"Nonce too low\"), TransactionInvalidReason.NONCE_TOO_LOW" },
  { client: "Besu", match: /\bTRANSACTION_REPLACEMENT_UNDERPRICED\b/, reply: "nonce-taken", source: "hyperledger/besu TransactionInvalidReason.java (TRANSACTION_REPLACEMENT_UNDERPRICED; RpcErrorType \"Replacement transaction underpriced\")" },
  // anvil (Foundry).
  { client: "anvil", match: /transaction already imported/i, reply: "known", source: "foundry-rs/foundry crates/anvil/src/eth/error.rs (PoolError::AlreadyImported)" },
  // Hardhat (EDR): "Known transaction: 0x…", "Nonce too low. Expected nonce to be … but got …",
  // "Replacement transaction underpriced. A gasPrice/maxFeePerGas of at least … is necessary …": covered by the
  // rules above (case-insensitive); strings shipped in @nomicfoundation/edr.
  // ethers v6 turns some of these into codes before we see them.
  { client: "ethers", match: /^NONCE_EXPIRED$/, reply: "nonce-used", source: "ethers v6 src.ts/providers/provider-jsonrpc.ts getRpcError (\"nonce too low\" -> NONCE_EXPIRED)" },
  { client: "ethers", match: /^REPLACEMENT_UNDERPRICED$/, reply: "nonce-taken", source: "ethers v6 getRpcError (\"replacement transaction underpriced\" -> REPLACEMENT_UNDERPRICED)" },
];

/** Every message, code and data string an error carries (ethers nests the node's reply under error/info/cause). */
export function errorTexts(e: unknown): string[] {
  const out: string[] = [];
  const seen = new Set<unknown>();
  const walk = (v: unknown, depth: number): void => {
    if (typeof v === "string") {
      out.push(v);
      return;
    }
    if (typeof v !== "object" || v === null || seen.has(v) || depth > 6) return;
    seen.add(v);
    const o = v as Record<string, unknown>;
    for (const k of ["code", "message", "shortMessage", "data", "error", "info", "cause", "body"]) walk(o[k], depth + 1);
  };
  walk(e, 0);
  return out;
}

/** What a broadcast error means, if it is one of the "already sent" replies; undefined for a real refusal. */
export function broadcastReply(e: unknown): BroadcastReply | undefined {
  const texts = typeof e === "string" ? [e] : errorTexts(e);
  // A JSON-RPC body (some providers keep the raw reply) is searched as text too.
  for (const rule of BROADCAST_REPLIES) if (texts.some((t) => rule.match.test(t))) return rule.reply;
  return undefined;
}
