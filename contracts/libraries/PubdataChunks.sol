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

    /// @notice How many chunks `length` bytes take.
    function count(uint256 length) internal pure returns (uint256) {
        return (length + PUBDATA_CHUNK_BYTES - 1) / PUBDATA_CHUNK_BYTES;
    }
}
