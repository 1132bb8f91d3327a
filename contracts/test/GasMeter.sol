// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/// @notice Bench only: the gas a call spends, without the transaction's base and calldata costs (which
///         the pubdata pays once whatever the commitment is). Read it with eth_call.
contract GasMeter {
    error CallFailed(bytes reason);

    function measure(address target, bytes calldata data) external view returns (uint256 used) {
        uint256 before = gasleft();
        (bool ok, bytes memory reason) = target.staticcall(data);
        used = before - gasleft();
        if (!ok) revert CallFailed(reason);
    }
}
