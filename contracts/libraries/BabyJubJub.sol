// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {SNARK_FIELD} from "../generated/ProtocolConstants.sol";

/// @title BabyJubJub account-key check (docs/protocol.md §8)
/// @notice A key P is accepted when P = 8·Q for a curve point Q the caller supplies and P.x != 0:
///         8·Q lies in the prime-order subgroup for every curve point Q, and every subgroup point
///         is 8·Q for Q = (8^-1 mod l)·P. Three projective doublings instead of a scalar
///         multiplication by l.
library BabyJubJub {
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;

    /// @notice Whether (x, y) satisfies a·x² + y² = 1 + d·x²·y² with both coordinates in the field.
    function onCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= SNARK_FIELD || y >= SNARK_FIELD) return false;
        uint256 xx = mulmod(x, x, SNARK_FIELD);
        uint256 yy = mulmod(y, y, SNARK_FIELD);
        uint256 lhs = addmod(mulmod(A, xx, SNARK_FIELD), yy, SNARK_FIELD);
        uint256 rhs = addmod(1, mulmod(D, mulmod(xx, yy, SNARK_FIELD), SNARK_FIELD), SNARK_FIELD);
        return lhs == rhs;
    }

    /// @notice Whether (ax, ay) may be an account key, given the witness (qx, qy) with 8·Q = (ax, ay).
    function isAccountKey(uint256 ax, uint256 ay, uint256 qx, uint256 qy) internal pure returns (bool) {
        if (ax == 0 || ax >= SNARK_FIELD || ay >= SNARK_FIELD || !onCurve(qx, qy)) return false;
        (uint256 x, uint256 y, uint256 z) = (qx, qy, 1);
        for (uint256 i = 0; i < 3; ++i) (x, y, z) = _double(x, y, z);
        return z != 0 && x == mulmod(ax, z, SNARK_FIELD) && y == mulmod(ay, z, SNARK_FIELD);
    }

    /// @dev Projective doubling on a twisted Edwards curve (dbl-2008-bbjlp).
    function _double(uint256 x, uint256 y, uint256 z) private pure returns (uint256, uint256, uint256) {
        uint256 p = SNARK_FIELD;
        uint256 s = addmod(x, y, p);
        uint256 b = mulmod(s, s, p);
        uint256 c = mulmod(x, x, p);
        uint256 d = mulmod(y, y, p);
        uint256 e = mulmod(A, c, p);
        uint256 f = addmod(e, d, p);
        uint256 h = mulmod(z, z, p);
        uint256 j = addmod(f, p - addmod(h, h, p), p);
        uint256 x3 = mulmod(addmod(b, p - addmod(c, d, p), p), j, p);
        uint256 y3 = mulmod(f, addmod(e, p - d, p), p);
        return (x3, y3, mulmod(f, j, p));
    }
}
