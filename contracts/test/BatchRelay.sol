// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Rollup} from "../Rollup.sol";

/// @notice Test-only: an operator that is a contract (a multisig, a relayer) forwarding batches.
contract BatchRelay {
    function relay(Rollup rollup, uint256 oldRoot, uint256 newRoot, uint256 timestamp, bytes calldata pubdata, uint256[8] calldata proof) external {
        rollup.submitBatch(oldRoot, newRoot, timestamp, pubdata, proof);
    }
}
