// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PUBDATA_CHUNK_BYTES} from "../generated/ProtocolConstants.sol";

/// @notice The pubdata as field elements (docs/protocol.md §6): PUBDATA_CHUNK_BYTES-byte big-endian chunks.
library PubdataChunks {
    /// @notice Chunk `index` of `data`: 31 bytes big-endian, the last one zero-padded on the right, zero beyond the end.
    function chunk(bytes calldata data, uint256 index) internal pure returns (uint256 v) {
        uint256 start = index * PUBDATA_CHUNK_BYTES;
        if (start >= data.length) return 0;
        assembly {
            v := shr(8, calldataload(add(data.offset, start)))
        }
        uint256 end = start + PUBDATA_CHUNK_BYTES;
        if (end > data.length) {
            // calldataload reads past `data`: clear what does not belong to it.
            uint256 drop = (end - data.length) * 8;
            v = (v >> drop) << drop;
        }
    }

    /// @notice Writes every chunk of `data` into `out` from word `from`: one calldata load each, no bounds
    ///         checks (the caller guarantees `from + count(data.length) <= out.length`).
    function write(bytes calldata data, uint256[] memory out, uint256 from) internal pure {
        uint256 step = PUBDATA_CHUNK_BYTES;
        assembly ("memory-safe") {
            let dst := add(add(out, 0x20), mul(from, 0x20))
            let full := div(data.length, step)
            for { let c := 0 } lt(c, full) { c := add(c, 1) } {
                mstore(add(dst, mul(c, 0x20)), shr(8, calldataload(add(data.offset, mul(c, step)))))
            }
            let rest := mod(data.length, step)
            if rest {
                // calldataload reads past `data`: clear what does not belong to it.
                let drop := mul(sub(step, rest), 8)
                mstore(add(dst, mul(full, 0x20)), shl(drop, shr(drop, shr(8, calldataload(add(data.offset, mul(full, step)))))))
            }
        }
    }

    /// @notice How many chunks `length` bytes take.
    function count(uint256 length) internal pure returns (uint256) {
        return (length + PUBDATA_CHUNK_BYTES - 1) / PUBDATA_CHUNK_BYTES;
    }
}
