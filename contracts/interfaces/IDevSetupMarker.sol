// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice The marker every verifier carries (snarkjs' generated one gets it from `npm run build`):
///         true for the INSECURE dev setup (docs/protocol.md §8, §10).
interface IDevSetupMarker {
    function INSECURE_DEV_SETUP() external view returns (bool);
}
