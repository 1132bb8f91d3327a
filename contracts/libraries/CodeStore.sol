// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Words kept as the code of a data contract: read back for ~3 gas a word where storage
///         costs 2,100 a slot. The code starts with one STOP byte, so calling it does nothing.
library CodeStore {
    error CodeStoreFailed();

    /// @notice Deploys a contract whose code is a STOP byte and `words`; at most ~24 KB (768 words).
    function store(uint256[] memory words) internal returns (address key) {
        bytes memory code = abi.encodePacked(hex"00", words);
        // PUSH2 len, DUP1, PUSH1 12, PUSH1 0, CODECOPY, PUSH1 0, RETURN: returns the 12 bytes' tail as code.
        bytes memory init = abi.encodePacked(hex"61", uint16(code.length), hex"80600c6000396000f3", code);
        assembly {
            key := create(0, add(init, 0x20), mload(init))
        }
        if (key == address(0)) revert CodeStoreFailed();
    }

    /// @notice The first `count` words `store` kept at `key`.
    function load(address key, uint256 count) internal view returns (uint256[] memory words) {
        words = new uint256[](count);
        assembly {
            extcodecopy(key, add(words, 0x20), 1, mul(count, 0x20))
        }
    }
}
