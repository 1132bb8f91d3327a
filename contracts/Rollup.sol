// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {
    SNARK_FIELD,
    AMOUNT_BITS,
    TX_DEPOSIT,
    TX_WITHDRAWAL,
    FILL_PUBDATA_BYTES,
    DEPOSIT_PUBDATA_BYTES,
    WITHDRAWAL_PUBDATA_BYTES,
    PUBDATA_CHUNK_BYTES,
    HASH_INPUTS,
    FIRST_HASH_CHUNKS,
    CHUNKS_PER_HASH
} from "./generated/ProtocolConstants.sol";
import {IGroth16Verifier} from "./interfaces/IGroth16Verifier.sol";
import {IPoseidon} from "./interfaces/IPoseidon.sol";
import {BabyJubJub} from "./libraries/BabyJubJub.sol";

/// @title proofbook rollup
/// @notice Holds the L2 state root, the deposit queue, the withdrawals owed and the tokens. Moves
///         the root only for a batch whose Groth16 proof verifies against the public input
///         recomputed here from calldata, and whose deposits are the next entries of the queue
///         (docs/protocol.md §4, §6, §8).
contract Rollup is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 internal constant MAX_AMOUNT = (1 << AMOUNT_BITS) - 1;

    IGroth16Verifier public immutable verifier;
    IPoseidon public immutable hasher;
    /// @notice Slots of each transaction type per batch of the circuit behind `verifier`.
    uint256 public immutable depositsPerBatch;
    uint256 public immutable withdrawalsPerBatch;
    uint256 public immutable fillsPerBatch;
    /// @notice 4^ACCOUNT_DEPTH and 4^BALANCE_DEPTH of the circuit: account and token ids stay below.
    uint256 public immutable accountCapacity;
    uint256 public immutable tokenCapacity;

    uint256 public stateRoot;
    uint256 public batchCount;

    /// @notice Registered tokens by id (1, 2, ...); id 0 is never a token.
    mapping(uint256 tokenId => IERC20) public tokens;
    uint256 public tokenCount;
    /// @notice What the contract holds for L2 per token: deposited, less claimed. Kept below 2^96.
    mapping(uint256 tokenId => uint256) public tokenTotal;

    /// @notice The next account id a deposit creates; ids below it that have no owner are genesis accounts.
    uint256 public nextAccountId;
    mapping(uint256 accountId => address) public accountOwner;

    /// @notice queueHashes[i] is the running hash after i deposits; queueHashes[0] = 0.
    bytes32[] public queueHashes;
    /// @notice Deposits consumed by landed batches.
    uint256 public depositsConsumed;

    /// @notice Withdrawn on L2 by landed batches and not yet claimed.
    mapping(uint256 accountId => mapping(uint256 tokenId => uint256)) public owed;

    event TokenRegistered(uint256 indexed tokenId, address token);
    event AccountCreated(uint256 indexed accountId, address owner, uint256 ax, uint256 ay);
    event DepositQueued(uint256 indexed index, uint256 indexed accountId, uint256 tokenId, uint256 amount, uint256 ax, uint256 ay);
    event BatchSubmitted(uint256 indexed batchNumber, uint256 oldRoot, uint256 newRoot, uint256 publicInput);
    event Claimed(uint256 indexed accountId, uint256 indexed tokenId, address to, uint256 amount);

    error StateRootMismatch(uint256 expected, uint256 provided);
    error PubdataLengthMismatch(uint256 expected, uint256 provided);
    error RootNotInField(uint256 root);
    error PublicInputNotInField(uint256 publicInput);
    error InvalidProof();
    error DepositQueueMismatch(uint256 consumed, uint256 found);
    error InvalidKey();
    error UnknownToken(uint256 tokenId);
    error TokenLimitReached();
    error AccountLimitReached();
    error UnknownAccount(uint256 accountId);
    error ZeroAmount();
    error TokenTotalTooLarge(uint256 tokenId);
    error NothingToClaim(uint256 accountId, uint256 tokenId);
    error InvalidConfiguration();

    /// @param slots Slots per batch: [deposits, withdrawals, fills].
    /// @param depths The circuit's [ACCOUNT_DEPTH, BALANCE_DEPTH].
    /// @param firstAccountId The first account id deposits create (genesis accounts lie below it).
    constructor(
        IGroth16Verifier verifier_,
        IPoseidon hasher_,
        uint256 genesisRoot,
        uint256[3] memory slots,
        uint256[2] memory depths,
        uint256 firstAccountId
    ) Ownable(msg.sender) {
        if (genesisRoot >= SNARK_FIELD) revert RootNotInField(genesisRoot);
        if (depths[0] == 0 || depths[0] > 16 || depths[1] == 0 || depths[1] > 8 || firstAccountId == 0) revert InvalidConfiguration();
        verifier = verifier_;
        hasher = hasher_;
        stateRoot = genesisRoot;
        (depositsPerBatch, withdrawalsPerBatch, fillsPerBatch) = (slots[0], slots[1], slots[2]);
        accountCapacity = 4 ** depths[0];
        tokenCapacity = 4 ** depths[1];
        nextAccountId = firstAccountId;
        queueHashes.push(bytes32(0));
    }

    /// @notice Registers an ERC-20 under the next token id.
    function registerToken(IERC20 token) external onlyOwner returns (uint256 tokenId) {
        tokenId = tokenCount + 1;
        if (tokenId >= tokenCapacity) revert TokenLimitReached();
        tokenCount = tokenId;
        tokens[tokenId] = token;
        emit TokenRegistered(tokenId, address(token));
    }

    /// @notice Creates the next account, owned on L1 by `owner`, with the BabyJubJub key (ax, ay),
    ///         and queues a deposit of `amount` of `tokenId` to it. (qx, qy) is a curve point with
    ///         8·Q = (ax, ay): the proof that the key lies in the prime-order subgroup.
    function depositNewAccount(address owner, uint256 ax, uint256 ay, uint256 qx, uint256 qy, uint256 tokenId, uint256 amount)
        external
        nonReentrant
        returns (uint256 accountId)
    {
        if (!BabyJubJub.isAccountKey(ax, ay, qx, qy)) revert InvalidKey();
        accountId = nextAccountId;
        if (accountId >= accountCapacity) revert AccountLimitReached();
        nextAccountId = accountId + 1;
        accountOwner[accountId] = owner;
        emit AccountCreated(accountId, owner, ax, ay);
        _queue(accountId, tokenId, _pull(tokenId, amount), ax, ay);
    }

    /// @notice Queues a deposit of `amount` of `tokenId` to an account a deposit created.
    function deposit(uint256 accountId, uint256 tokenId, uint256 amount) external nonReentrant {
        if (accountOwner[accountId] == address(0)) revert UnknownAccount(accountId);
        _queue(accountId, tokenId, _pull(tokenId, amount), 0, 0);
    }

    /// @notice Deposits queued so far.
    function depositCount() external view returns (uint256) {
        return queueHashes.length - 1;
    }

    /// @notice Applies batch `batchCount + 1`. `pubdata` stays in calldata for anyone rebuilding the state.
    /// @param proof Groth16 proof as [a0, a1, b00, b01, b10, b11, c0, c1] (snarkjs calldata order).
    function submitBatch(uint256 oldRoot, uint256 newRoot, bytes calldata pubdata, uint256[8] calldata proof) external {
        if (oldRoot != stateRoot) revert StateRootMismatch(stateRoot, oldRoot);
        uint256 expectedLength = pubdataLength();
        if (pubdata.length != expectedLength) revert PubdataLengthMismatch(expectedLength, pubdata.length);
        if (newRoot >= SNARK_FIELD) revert RootNotInField(newRoot);
        uint256 consumed = _matchDeposits(pubdata);
        uint256 batchNumber = batchCount + 1;
        uint256 publicInput = publicInputHash(oldRoot, newRoot, batchNumber, pubdata);
        _verifyProof(publicInput, proof);
        stateRoot = newRoot;
        batchCount = batchNumber;
        depositsConsumed = consumed;
        _creditWithdrawals(pubdata);
        emit BatchSubmitted(batchNumber, oldRoot, newRoot, publicInput);
    }

    /// @notice Pays everything owed to `accountId` in `tokenId` to the account's L1 owner. Anyone may call it.
    function claim(uint256 accountId, uint256 tokenId) external nonReentrant {
        uint256 amount = owed[accountId][tokenId];
        if (amount == 0) revert NothingToClaim(accountId, tokenId);
        address to = accountOwner[accountId];
        if (to == address(0)) revert UnknownAccount(accountId);
        owed[accountId][tokenId] = 0;
        tokenTotal[tokenId] -= amount;
        emit Claimed(accountId, tokenId, to, amount);
        tokens[tokenId].safeTransfer(to, amount);
    }

    /// @notice Bytes of a batch's pubdata: the deposit, withdrawal and fill sections.
    function pubdataLength() public view returns (uint256) {
        return depositsPerBatch * DEPOSIT_PUBDATA_BYTES + withdrawalsPerBatch * WITHDRAWAL_PUBDATA_BYTES + fillsPerBatch * FILL_PUBDATA_BYTES;
    }

    /// @notice The batch circuit's public input: a Poseidon(HASH_INPUTS) chain over (oldRoot, newRoot,
    ///         batchNumber) and the pubdata in 31-byte big-endian chunks.
    function publicInputHash(uint256 oldRoot, uint256 newRoot, uint256 batchNumber, bytes calldata pubdata) public view returns (uint256 h) {
        uint256 nChunks = (pubdata.length + PUBDATA_CHUNK_BYTES - 1) / PUBDATA_CHUNK_BYTES;
        uint256[HASH_INPUTS] memory inputs;
        inputs[0] = oldRoot;
        inputs[1] = newRoot;
        inputs[2] = batchNumber;
        for (uint256 c = 0; c < FIRST_HASH_CHUNKS; ++c) inputs[3 + c] = _chunk(pubdata, c);
        h = hasher.poseidon(inputs);
        for (uint256 c = FIRST_HASH_CHUNKS; c < nChunks; c += CHUNKS_PER_HASH) {
            inputs[0] = h;
            for (uint256 k = 0; k < CHUNKS_PER_HASH; ++k) inputs[1 + k] = _chunk(pubdata, c + k);
            h = hasher.poseidon(inputs);
        }
    }

    function _verifyProof(uint256 publicInput, uint256[8] calldata proof) internal view {
        if (publicInput >= SNARK_FIELD) revert PublicInputNotInField(publicInput);
        bool ok = verifier.verifyProof(
            [proof[0], proof[1]],
            [[proof[2], proof[3]], [proof[4], proof[5]]],
            [proof[6], proof[7]],
            [publicInput]
        );
        if (!ok) revert InvalidProof();
    }

    /// @dev Pulls `amount` of a registered token from the caller; returns what actually arrived.
    function _pull(uint256 tokenId, uint256 amount) private returns (uint256 received) {
        if (tokenId == 0 || tokenId > tokenCount) revert UnknownToken(tokenId);
        IERC20 token = tokens[tokenId];
        uint256 before = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        received = token.balanceOf(address(this)) - before;
        if (received == 0) revert ZeroAmount();
        uint256 total = tokenTotal[tokenId] + received;
        if (total > MAX_AMOUNT) revert TokenTotalTooLarge(tokenId);
        tokenTotal[tokenId] = total;
    }

    /// @dev Appends the deposit record (docs/protocol.md §6) to the queue's running hash.
    function _queue(uint256 accountId, uint256 tokenId, uint256 amount, uint256 ax, uint256 ay) private {
        bytes memory record = abi.encodePacked(uint8(TX_DEPOSIT), uint32(accountId), uint16(tokenId), uint96(amount), ax, ay);
        uint256 index = queueHashes.length - 1;
        queueHashes.push(keccak256(abi.encodePacked(queueHashes[index], record)));
        emit DepositQueued(index, accountId, tokenId, amount, ax, ay);
    }

    /// @dev The enabled deposit records of `pubdata` must extend the running hash from
    ///      `depositsConsumed` to a queued entry. Returns the new count of consumed deposits.
    function _matchDeposits(bytes calldata pubdata) internal view returns (uint256 consumed) {
        consumed = depositsConsumed;
        bytes32 h = queueHashes[consumed];
        uint256 found = 0;
        for (uint256 i = 0; i < depositsPerBatch; ++i) {
            bytes calldata record = pubdata[i * DEPOSIT_PUBDATA_BYTES:(i + 1) * DEPOSIT_PUBDATA_BYTES];
            if (uint8(record[0]) != TX_DEPOSIT) continue;
            h = keccak256(abi.encodePacked(h, record));
            ++found;
        }
        if (consumed + found >= queueHashes.length || queueHashes[consumed + found] != h) revert DepositQueueMismatch(consumed, found);
        consumed += found;
    }

    /// @dev Credits every enabled withdrawal record of `pubdata` to what its account is owed.
    function _creditWithdrawals(bytes calldata pubdata) private {
        uint256 offset = depositsPerBatch * DEPOSIT_PUBDATA_BYTES;
        for (uint256 i = 0; i < withdrawalsPerBatch; ++i) {
            bytes calldata record = pubdata[offset:offset + WITHDRAWAL_PUBDATA_BYTES];
            offset += WITHDRAWAL_PUBDATA_BYTES;
            if (uint8(record[0]) != TX_WITHDRAWAL) continue;
            uint256 accountId = uint32(bytes4(record[1:5]));
            uint256 tokenId = uint16(bytes2(record[5:7]));
            owed[accountId][tokenId] += uint96(bytes12(record[7:19]));
        }
    }

    /// @dev Chunk `index` of `data`: 31 bytes big-endian, zero beyond the end of `data`.
    function _chunk(bytes calldata data, uint256 index) private pure returns (uint256 v) {
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
}
