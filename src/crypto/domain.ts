import { type Address, encodeAbiParameters, getAddress, isAddress, keccak256 } from "viem";
import { SNARK_FIELD } from "../constants.js";
import { ValidationError } from "../errors.js";

/**
 * The domain separator of one deployment (docs/protocol.md §3):
 * `keccak256(abi.encode(chainId, rollup)) mod r`. Every signed order and withdrawal commits to it
 * and the contract binds it into each batch's public input, so a signature made for another
 * contract or chain never settles. The TS twin of `Rollup.domainSeparator`.
 */
export function domainSeparator(chainId: number | bigint, rollup: Address): bigint {
  if (typeof chainId === "number" && !Number.isSafeInteger(chainId)) throw new ValidationError("chainId", "must be an integer", chainId);
  if (BigInt(chainId) <= 0n) throw new ValidationError("chainId", "must be positive", chainId);
  if (!isAddress(rollup, { strict: false })) throw new ValidationError("rollup", "must be an address", rollup);
  const address = getAddress(rollup);
  return BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }], [BigInt(chainId), address]))) % SNARK_FIELD;
}
