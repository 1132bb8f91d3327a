// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {
    SNARK_FIELD,
    BATCH_NUMBER_BITS,
    BATCH_TIMESTAMP_WINDOW,
    AMOUNT_BITS,
    TX_DEPOSIT,
    TX_WITHDRAWAL,
    TX_FORCED_WITHDRAWAL,
    DEPOSIT_PUBDATA_BYTES,
    WITHDRAWAL_PUBDATA_BYTES,
    MARKET_PUBDATA_BYTES,
    STORAGE_STEP_BITS,
    LOT_BITS,
    TICK_BITS,
    HEADER_INPUTS
} from "./generated/ProtocolConstants.sol";
import {IGroth16BatchVerifier} from "./interfaces/IGroth16BatchVerifier.sol";
import {IPoseidonT5} from "./interfaces/IPoseidonT5.sol";
import {IPoseidonT6} from "./interfaces/IPoseidonT6.sol";
import {BabyJubJub} from "./libraries/BabyJubJub.sol";
import {PubdataChunks} from "./libraries/PubdataChunks.sol";

/// @title proofbook rollup
/// @notice Holds the L2 state root, the deposit queue, the withdrawals owed and the tokens. Moves
///         the root only for a batch whose Groth16 proof verifies against the public inputs
///         taken here from calldata (roots, header, domain, pubdata), and whose deposits are the next entries of the queue
///         (docs/protocol.md §4, §6, §8).
contract Rollup is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    uint256 internal constant MAX_AMOUNT = (1 << AMOUNT_BITS) - 1;

    IGroth16BatchVerifier public immutable verifier;
    /// @notice Poseidon with 4 and 5 inputs: the exit proof's tree nodes and account leaf.
    IPoseidonT5 public immutable nodeHasher;
    IPoseidonT6 public immutable leafHasher;
    /// @notice Seconds the operator has to process an L1 request (a deposit, a forced withdrawal)
    ///         before anyone can switch to exit mode, at the least (docs/protocol.md §8).
    uint256 public immutable requestDelay;
    /// @notice Seconds the operator may take per batch's worth of a queue: at most `s` requests of a
    ///         queue with `s` slots per batch share a deadline window this long.
    uint256 public immutable batchInterval;
    /// @notice True if the constructor took a verifier of the INSECURE dev setup beyond the local
    ///         development chain, by the deployer's explicit override.
    bool public immutable insecureVerifierAllowed;
    /// @notice Slots of each transaction type per batch of the circuit behind `verifier`.
    uint256 public immutable depositsPerBatch;
    uint256 public immutable withdrawalsPerBatch;
    uint256 public immutable fillsPerBatch;
    /// @notice Market records per batch (a power of 2): the pairs, fee rates and scales a batch's fills use, and their fees.
    uint256 public immutable marketsPerBatch;
    /// @notice Bytes of a fill and of a cancel record: bit-packed, sized by the depths and marketsPerBatch (docs/protocol.md §6).
    uint256 public immutable fillRecordBytes;
    uint256 public immutable cancelRecordBytes;
    /// @notice L2 cancel slots per batch (docs/protocol.md §4.4): no L1 effect, only pubdata.
    uint256 public immutable cancelsPerBatch;
    /// @notice 4^ACCOUNT_DEPTH and 4^BALANCE_DEPTH of the circuit: account and token ids stay below.
    uint256 public immutable accountCapacity;
    uint256 public immutable tokenCapacity;
    /// @notice The circuit's tree depths and the genesis root: what a verifier needs to rebuild the state from L1.
    uint256 public immutable accountDepth;
    uint256 public immutable balanceDepth;
    uint256 public immutable orderDepth;
    uint256 public immutable genesisRoot;

    uint256 public stateRoot;
    /// @notice Batches applied so far, and the timestamp of the last one (batch timestamps never decrease).
    uint64 public batchCount;
    uint64 public lastBatchTimestamp;

    /// @notice Registered tokens by id (1, 2, ...); id 0 is never a token.
    mapping(uint256 tokenId => IERC20) public tokens;
    /// @notice The id of a registered token address (0: not registered; ETH is address 0).
    mapping(address token => uint256) public tokenIds;
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
    /// @notice depositDeadlines[i]: when deposit i must have been consumed, else exit mode opens.
    uint64[] public depositDeadlines;

    /// @notice Withdrawn on L2 by landed batches and not yet claimed.
    mapping(uint256 accountId => mapping(uint256 tokenId => uint256)) public owed;

    /// @notice The forced-withdrawal queue: running hashes (forcedHashes[0] = 0) and deadlines.
    bytes32[] public forcedHashes;
    uint64[] public forcedDeadlines;
    uint256 public forcedConsumed;
    /// @notice An account's forced withdrawal of a token is queued and not yet processed (one at a time).
    mapping(uint256 accountId => mapping(uint256 tokenId => bool)) public forcedOpen;

    /// @notice The only account that may submit batches; the owner changes it.
    address public operator;

    /// @notice Set once an L1 request went unprocessed past its deadline: no more batches.
    bool public exitMode;
    mapping(uint256 accountId => mapping(uint256 tokenId => bool)) public exited;
    mapping(uint256 index => bool) public refunded;

    event OperatorChanged(address indexed previous, address indexed operator);
    event TokenRegistered(uint256 indexed tokenId, address token);
    event AccountCreated(uint256 indexed accountId, address owner, uint256 ax, uint256 ay);
    event DepositQueued(uint256 indexed index, uint256 indexed accountId, uint256 tokenId, uint256 amount, uint256 ax, uint256 ay, uint256 deadline);
    /// @notice `pubdata` is what anyone needs to rebuild the state, however the batch was sent (a
    ///         direct call, a multisig, a relay): docs/protocol.md §8.
    /// @param inputsHash keccak256 of the batch's public inputs, 32 bytes each (docs/protocol.md §6).
    event BatchSubmitted(uint256 indexed batchNumber, uint256 oldRoot, uint256 newRoot, uint256 timestamp, bytes32 inputsHash, bytes pubdata);
    event Claimed(uint256 indexed accountId, uint256 indexed tokenId, address to, uint256 amount);
    event WithdrawalRequested(uint256 indexed index, uint256 indexed accountId, uint256 tokenId, uint256 deadline);
    /// @notice forcedIndex, depositIndex: the first unprocessed entry of each queue.
    event ExitModeActivated(uint256 stateRoot, uint256 forcedIndex, uint256 depositIndex);
    event InsecureVerifierAllowed(address verifier, uint256 chainId);
    event Exited(uint256 indexed accountId, uint256 indexed tokenId, address to, uint256 amount);
    event DepositRefunded(uint256 indexed index, uint256 indexed accountId, uint256 tokenId, address to, uint256 amount);

    /// @notice The account id whose owed balances are the operator's fees (never an L2 account).
    uint256 public constant FEE_ACCOUNT = 0;

    event FeeRecipientChanged(address indexed previous, address indexed recipient);

    error StateRootMismatch(uint256 expected, uint256 provided);
    error InvalidBatchTimestamp(uint256 timestamp, uint256 earliest, uint256 latest);
    error PubdataLengthMismatch(uint256 expected, uint256 provided);
    error RootNotInField(uint256 root);
    /// @notice The verifier's key has another number of public inputs than this configuration's batches.
    error VerifierMismatch(uint256 expected, uint256 actual);
    error InvalidProof();
    error NoBatches();
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
    error ForcedQueueMismatch(uint256 consumed, uint256 found);
    error NotAccountOwner(uint256 accountId);
    error ExitModeActive();
    error ExitModeInactive();
    error NoOverdueRequest();
    error AlreadyExited(uint256 accountId, uint256 tokenId);
    error InvalidExitProof();
    error AlreadyRefunded(uint256 index);
    error InvalidRefund(uint256 index);
    error WrongValue(uint256 expected, uint256 sent);
    error NotOperator(address sender);
    error InsecureVerifier();
    error VerifierHasNoCode(address verifier);
    error ZeroOwner();
    error TokenAlreadyRegistered(address token, uint256 tokenId);
    error TokenBalanceShort(uint256 tokenId, uint256 balance, uint256 total);
    error RequestAlreadyOpen(uint256 accountId, uint256 tokenId);
    error EthTransferFailed(address to, uint256 amount);

    /// @param hashers Poseidon with 6 (public input), 4 (tree node) and 5 (account leaf) inputs.
    /// @param slots Slots per batch: [deposits, withdrawals, cancels, fills, fee tokens].
    /// @param depths The circuit's [ACCOUNT_DEPTH, BALANCE_DEPTH, ORDER_DEPTH].
    /// @param firstAccountId The first account id deposits create (genesis accounts lie below it).
    /// @param timing [requestDelay, batchInterval] in seconds: the delay the operator has for each L1
    ///        request, and the time it may take per batch's worth of a queue (docs/protocol.md §8).
    /// @param allowInsecureVerifier Accept a verifier of the INSECURE dev setup on a chain other than
    ///        a local development chain (id 31337). Never on a chain that holds real money.
    constructor(
        IGroth16BatchVerifier verifier_,
        address[2] memory hashers,
        uint256 genesisRoot_,
        uint256[5] memory slots,
        uint256[3] memory depths,
        uint256 firstAccountId,
        uint256[2] memory timing,
        bool allowInsecureVerifier
    ) Ownable(msg.sender) {
        // The verifier must exist now: a check skipped for an empty address could be dodged by
        // deploying a dev verifier there afterwards. It must carry the marker.
        if (address(verifier_).code.length == 0) revert VerifierHasNoCode(address(verifier_));
        if (verifier_.INSECURE_DEV_SETUP() && block.chainid != 31337) {
            if (!allowInsecureVerifier) revert InsecureVerifier();
            insecureVerifierAllowed = true;
            emit InsecureVerifierAllowed(address(verifier_), block.chainid);
        }
        operator = msg.sender;
        emit OperatorChanged(address(0), msg.sender);
        // Account 0 never exists on L2 (padding uses it): its owed balances are the operator's fees.
        accountOwner[FEE_ACCOUNT] = msg.sender;
        emit FeeRecipientChanged(address(0), msg.sender);
        if (genesisRoot_ >= SNARK_FIELD) revert RootNotInField(genesisRoot_);
        if (depths[0] == 0 || depths[0] > 16 || depths[1] == 0 || depths[1] > 8 || depths[2] == 0 || depths[2] > 16 || firstAccountId == 0) {
            revert InvalidConfiguration();
        }
        verifier = verifier_;
        (nodeHasher, leafHasher) = (IPoseidonT5(hashers[0]), IPoseidonT6(hashers[1]));
        (requestDelay, batchInterval) = (timing[0], timing[1]);
        (accountDepth, balanceDepth, orderDepth) = (depths[0], depths[1], depths[2]);
        genesisRoot = genesisRoot_;
        stateRoot = genesisRoot_;
        (depositsPerBatch, withdrawalsPerBatch, cancelsPerBatch, fillsPerBatch, marketsPerBatch) = (slots[0], slots[1], slots[2], slots[3], slots[4]);
        if (slots[4] == 0 || slots[4] & (slots[4] - 1) != 0) revert InvalidConfiguration();
        uint256 marketBits = 0;
        while (1 << marketBits < slots[4]) ++marketBits;
        fillRecordBytes = (4 * depths[0] + 4 * depths[2] + 2 * STORAGE_STEP_BITS + 1 + marketBits + LOT_BITS + TICK_BITS + 7) / 8;
        cancelRecordBytes = (2 * depths[0] + 2 * depths[2] + STORAGE_STEP_BITS + 7) / 8;
        if (verifier_.PUBLIC_INPUTS() != inputCount()) revert VerifierMismatch(inputCount(), verifier_.PUBLIC_INPUTS());
        accountCapacity = 4 ** depths[0];
        tokenCapacity = 4 ** depths[1];
        nextAccountId = firstAccountId;
        queueHashes.push(bytes32(0));
        forcedHashes.push(bytes32(0));
    }

    modifier notInExitMode() {
        if (exitMode) revert ExitModeActive();
        _;
    }

    modifier onlyInExitMode() {
        if (!exitMode) revert ExitModeInactive();
        _;
    }

    /// @notice Hands the right to submit batches to `operator_`.
    function setOperator(address operator_) external onlyOwner {
        emit OperatorChanged(operator, operator_);
        operator = operator_;
    }

    /// @notice Registers an ERC-20 under the next token id; address 0 stands for ETH.
    function registerToken(IERC20 token) external onlyOwner returns (uint256 tokenId) {
        tokenId = tokenCount + 1;
        if (tokenId >= tokenCapacity) revert TokenLimitReached();
        uint256 registered = tokenIds[address(token)];
        if (registered != 0) revert TokenAlreadyRegistered(address(token), registered);
        tokenCount = tokenId;
        tokens[tokenId] = token;
        tokenIds[address(token)] = tokenId;
        emit TokenRegistered(tokenId, address(token));
    }

    /// @notice Creates the next account, owned on L1 by `owner`, with the BabyJubJub key (ax, ay),
    ///         and queues a deposit of `amount` of `tokenId` to it. (qx, qy) is a curve point with
    ///         8·Q = (ax, ay): the proof that the key lies in the prime-order subgroup.
    function depositNewAccount(address owner, uint256 ax, uint256 ay, uint256 qx, uint256 qy, uint256 tokenId, uint256 amount)
        external
        payable
        nonReentrant
        notInExitMode
        returns (uint256 accountId)
    {
        if (owner == address(0)) revert ZeroOwner();
        if (!BabyJubJub.isAccountKey(ax, ay, qx, qy)) revert InvalidKey();
        accountId = nextAccountId;
        if (accountId >= accountCapacity) revert AccountLimitReached();
        nextAccountId = accountId + 1;
        accountOwner[accountId] = owner;
        emit AccountCreated(accountId, owner, ax, ay);
        _queue(accountId, tokenId, _pull(tokenId, amount), ax, ay);
    }

    /// @notice Queues a deposit of `amount` of `tokenId` to an account a deposit created. For ETH,
    ///         `amount` is sent as the call's value (here and in depositNewAccount).
    function deposit(uint256 accountId, uint256 tokenId, uint256 amount) external payable nonReentrant notInExitMode {
        if (accountId == FEE_ACCOUNT || accountOwner[accountId] == address(0)) revert UnknownAccount(accountId);
        _queue(accountId, tokenId, _pull(tokenId, amount), 0, 0);
    }

    /// @notice Deposits queued so far.
    function depositCount() external view returns (uint256) {
        return queueHashes.length - 1;
    }

    /// @notice Applies batch `batchCount + 1`. The BatchSubmitted event carries `pubdata` for anyone rebuilding the state.
    /// @param timestamp The batch timestamp (Unix seconds) the proof checks order expiries against: at most the
    ///        block time, at least the last batch's and the block time less BATCH_TIMESTAMP_WINDOW.
    /// @param proof Groth16 proof as [a0, a1, b00, b01, b10, b11, c0, c1] (snarkjs calldata order).
    /// @notice A batch as `submitBatches` takes it: what `submitBatch` takes, in one struct.
    struct BatchSubmission {
        uint256 oldRoot;
        uint256 newRoot;
        uint256 timestamp;
        bytes pubdata;
        uint256[8] proof;
    }

    /// @notice Lands the next batch: its roots, timestamp and pubdata, proven by `proof` (docs/protocol.md §8).
    function submitBatch(uint256 oldRoot, uint256 newRoot, uint256 timestamp, bytes calldata pubdata, uint256[8] calldata proof) external notInExitMode {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        (bytes memory verifierCall, uint256[] memory inputs) = _verifierCall(1);
        _applyBatch(oldRoot, newRoot, timestamp, pubdata, inputs, 0);
        _putProof(verifierCall, 0, proof);
        _verify(verifierCall);
    }

    /// @notice Lands the next `batches.length` batches in order, each checked as by `submitBatch`, with
    ///         their k proofs verified together in one multi-pairing (Groth16BatchVerifier): k + 3
    ///         pairings instead of 4k. One bad proof reverts them all (InvalidProof).
    function submitBatches(BatchSubmission[] calldata batches) external notInExitMode {
        if (msg.sender != operator) revert NotOperator(msg.sender);
        uint256 k = batches.length;
        if (k == 0) revert NoBatches();
        (bytes memory verifierCall, uint256[] memory inputs) = _verifierCall(k);
        uint256 n = inputs.length / k;
        for (uint256 i = 0; i < k; ++i) {
            BatchSubmission calldata b = batches[i];
            _applyBatch(b.oldRoot, b.newRoot, b.timestamp, b.pubdata, inputs, i * n);
            _putProof(verifierCall, i, b.proof);
        }
        _verify(verifierCall);
    }

    /// @dev The verifier's `verifyProofs(proofs, inputs)` call for k batches, ABI-encoded with zero
    ///      proofs and inputs, and `inputs`: a memory array over the call's inputs (the ABI encoding of
    ///      a uint256[] is a length word and the words, as in memory), for _applyBatch to write into.
    ///      Built in place, the proofs and inputs are not copied again for the call.
    function _verifierCall(uint256 k) private view returns (bytes memory data, uint256[] memory inputs) {
        uint256 n = k * inputCount();
        // selector, two offsets, the proofs' length and k * 8 words, the inputs' length and n words
        data = new bytes(4 + 0x60 + k * 0x100 + 0x20 + n * 0x20);
        bytes4 selector = IGroth16BatchVerifier.verifyProofs.selector;
        assembly ("memory-safe") {
            let p := add(data, 0x20)
            mstore(p, selector)
            mstore(add(p, 0x04), 0x40)
            mstore(add(p, 0x24), add(0x60, mul(k, 0x100)))
            mstore(add(p, 0x44), k)
            inputs := add(add(p, 0x64), mul(k, 0x100))
            mstore(inputs, n)
        }
    }

    /// @dev Copies batch i's proof into the verifier call `_verifierCall` built.
    function _putProof(bytes memory data, uint256 i, uint256[8] calldata proof) private pure {
        assembly ("memory-safe") {
            calldatacopy(add(add(data, 0x84), mul(i, 0x100)), proof, 0x100)
        }
    }

    /// @dev Makes the verifier call; reverts with InvalidProof unless it answers true.
    function _verify(bytes memory data) private view {
        (bool ok, bytes memory answer) = address(verifier).staticcall(data);
        if (!ok || answer.length != 32 || abi.decode(answer, (uint256)) != 1) revert InvalidProof();
    }

    /// @dev Checks a batch against the contract's state (everything but its proof), applies it and
    ///      writes its public inputs to `inputs` from `offset`, which the caller must then verify.
    function _applyBatch(uint256 oldRoot, uint256 newRoot, uint256 timestamp, bytes calldata pubdata, uint256[] memory inputs, uint256 offset) private {
        _checkBatch(oldRoot, newRoot, timestamp, pubdata);
        uint256 consumed = _matchDeposits(pubdata);
        uint256 forced = _matchForced(pubdata);
        uint256 batchNumber = uint256(batchCount) + 1;
        _writeInputs(inputs, offset, oldRoot, newRoot, batchNumber + (timestamp << BATCH_NUMBER_BITS), pubdata);
        stateRoot = newRoot;
        batchCount = uint64(batchNumber);
        lastBatchTimestamp = uint64(timestamp);
        depositsConsumed = consumed;
        forcedConsumed = forced;
        _creditWithdrawals(pubdata);
        _creditFees(pubdata);
        emit BatchSubmitted(batchNumber, oldRoot, newRoot, timestamp, _inputsHash(inputs, offset, HEADER_INPUTS + PubdataChunks.count(pubdata.length)), pubdata);
    }

    /// @dev Everything about a batch that needs no queue: its old root, timestamp window, pubdata length and new root.
    function _checkBatch(uint256 oldRoot, uint256 newRoot, uint256 timestamp, bytes calldata pubdata) private view {
        if (oldRoot != stateRoot) revert StateRootMismatch(stateRoot, oldRoot);
        uint256 earliest = block.timestamp > BATCH_TIMESTAMP_WINDOW ? block.timestamp - BATCH_TIMESTAMP_WINDOW : 0;
        if (earliest < lastBatchTimestamp) earliest = lastBatchTimestamp;
        if (timestamp < earliest || timestamp > block.timestamp) revert InvalidBatchTimestamp(timestamp, earliest, block.timestamp);
        uint256 expectedLength = pubdataLength();
        if (pubdata.length != expectedLength) revert PubdataLengthMismatch(expectedLength, pubdata.length);
        if (newRoot >= SNARK_FIELD) revert RootNotInField(newRoot);
    }

    /// @dev keccak256 of the `n` inputs from `offset`, 32 bytes each (BatchSubmitted's inputsHash).
    function _inputsHash(uint256[] memory inputs, uint256 offset, uint256 n) private pure returns (bytes32 h) {
        assembly {
            h := keccak256(add(add(inputs, 0x20), mul(offset, 0x20)), mul(n, 0x20))
        }
    }

    /// @notice This deployment's domain separator, keccak256(abi.encode(chainid, address(this))) mod r: every
    ///         signed order and withdrawal commits to it, and each batch's public input binds it.
    function domainSeparator() public view returns (uint256) {
        return uint256(keccak256(abi.encode(block.chainid, address(this)))) % SNARK_FIELD;
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
        _pay(tokenId, to, amount);
    }

    /// @notice Asks for the whole L2 balance of `tokenId` of an account the caller owns on L1. The
    ///         operator must process it by its deadline (`_nextDeadline`), else anyone may activate exit mode;
    ///         one request per account and token is open at a time.
    function requestWithdrawal(uint256 accountId, uint256 tokenId) external notInExitMode {
        if (accountId == FEE_ACCOUNT || accountOwner[accountId] != msg.sender) revert NotAccountOwner(accountId);
        if (tokenId == 0 || tokenId > tokenCount) revert UnknownToken(tokenId);
        if (forcedOpen[accountId][tokenId]) revert RequestAlreadyOpen(accountId, tokenId);
        forcedOpen[accountId][tokenId] = true;
        uint256 index = forcedHashes.length - 1;
        forcedHashes.push(keccak256(abi.encodePacked(forcedHashes[index], uint32(accountId), uint16(tokenId))));
        uint64 deadline = _nextDeadline(forcedDeadlines, withdrawalsPerBatch);
        forcedDeadlines.push(deadline);
        emit WithdrawalRequested(index, accountId, tokenId, deadline);
    }

    /// @notice Forced withdrawals requested so far.
    function forcedCount() external view returns (uint256) {
        return forcedDeadlines.length;
    }

    /// @notice Switches to exit mode once the oldest unprocessed forced withdrawal, or the oldest
    ///         unconsumed deposit, is past its deadline.
    function activateExitMode() external notInExitMode {
        (uint256 forced, uint256 deposits) = (forcedConsumed, depositsConsumed);
        bool forcedOverdue = forced < forcedDeadlines.length && block.timestamp > forcedDeadlines[forced];
        bool depositOverdue = deposits < depositDeadlines.length && block.timestamp > depositDeadlines[deposits];
        if (!forcedOverdue && !depositOverdue) revert NoOverdueRequest();
        exitMode = true;
        emit ExitModeActivated(stateRoot, forced, deposits);
    }

    /// @dev The deadline of a queue's next request: requestDelay from now, and at least batchInterval
    ///      after the deadline of the request `slots` places before it (docs/protocol.md §8).
    function _nextDeadline(uint64[] storage deadlines, uint256 slots) private view returns (uint64) {
        uint256 deadline = block.timestamp + requestDelay;
        uint256 n = deadlines.length;
        if (slots != 0 && n >= slots) {
            uint256 spaced = deadlines[n - slots] + batchInterval;
            if (spaced > deadline) deadline = spaced;
        }
        return uint64(deadline);
    }

    /// @notice In exit mode: pays the account's L1 owner its whole balance of `tokenId` in the last
    ///         verified state, once. The balance leaf and the account leaf H(ax, ay, nonce,
    ///         balanceRoot, orderRoot) are checked against `stateRoot` by their 4-ary Merkle paths.
    function exit(
        uint256 accountId,
        uint256 tokenId,
        uint256 balance,
        uint256[3][] calldata balancePath,
        uint256[4] calldata leaf,
        uint256[3][] calldata accountPath
    ) external nonReentrant onlyInExitMode {
        if (exited[accountId][tokenId]) revert AlreadyExited(accountId, tokenId);
        address to = accountOwner[accountId];
        if (to == address(0)) revert UnknownAccount(accountId);
        if (balancePath.length != balanceDepth || accountPath.length != accountDepth || tokenId >= tokenCapacity || accountId >= accountCapacity) {
            revert InvalidExitProof();
        }
        uint256 balanceRoot = _root(balance, tokenId, balancePath);
        uint256 accountLeaf = leafHasher.poseidon([leaf[0], leaf[1], leaf[2], balanceRoot, leaf[3]]);
        if (_root(accountLeaf, accountId, accountPath) != stateRoot) revert InvalidExitProof();
        exited[accountId][tokenId] = true;
        emit Exited(accountId, tokenId, to, balance);
        if (balance == 0) return;
        tokenTotal[tokenId] -= balance;
        _pay(tokenId, to, balance);
    }

    /// @notice In exit mode: pays back a deposit that no batch consumed to its account's L1 owner, once.
    /// @param record The deposit's 83-byte record (docs/protocol.md §6), as in its DepositQueued event.
    function refundDeposit(uint256 index, bytes calldata record) external nonReentrant onlyInExitMode {
        if (refunded[index]) revert AlreadyRefunded(index);
        if (
            index < depositsConsumed || index + 1 >= queueHashes.length || record.length != DEPOSIT_PUBDATA_BYTES
                || keccak256(abi.encodePacked(queueHashes[index], record)) != queueHashes[index + 1]
        ) revert InvalidRefund(index);
        refunded[index] = true;
        uint256 accountId = uint32(bytes4(record[1:5]));
        uint256 tokenId = uint16(bytes2(record[5:7]));
        uint256 amount = uint96(bytes12(record[7:19]));
        address to = accountOwner[accountId];
        tokenTotal[tokenId] -= amount;
        emit DepositRefunded(index, accountId, tokenId, to, amount);
        _pay(tokenId, to, amount);
    }

    /// @notice Bytes of a batch's pubdata: the deposit, withdrawal, cancel, fill and market sections.
    function pubdataLength() public view returns (uint256) {
        return depositsPerBatch * DEPOSIT_PUBDATA_BYTES + withdrawalsPerBatch * WITHDRAWAL_PUBDATA_BYTES + cancelsPerBatch * cancelRecordBytes
            + fillsPerBatch * fillRecordBytes + marketsPerBatch * MARKET_PUBDATA_BYTES;
    }

    /// @notice The batch circuit's public inputs (docs/protocol.md §6): oldRoot, newRoot,
    ///         batchNumber + timestamp * 2^32, domainSeparator(), then the pubdata in 31-byte big-endian chunks.
    function publicInputs(uint256 oldRoot, uint256 newRoot, uint256 batchNumber, uint256 timestamp, bytes calldata pubdata) external view returns (uint256[] memory inputs) {
        inputs = new uint256[](HEADER_INPUTS + PubdataChunks.count(pubdata.length));
        _writeInputs(inputs, 0, oldRoot, newRoot, batchNumber + (timestamp << BATCH_NUMBER_BITS), pubdata);
    }

    /// @notice Public inputs of each batch: HEADER_INPUTS and the chunks of pubdataLength() bytes.
    function inputCount() public view returns (uint256) {
        return HEADER_INPUTS + PubdataChunks.count(pubdataLength());
    }

    /// @dev Writes a batch's public inputs to `inputs` from `offset` (`header` = batchNumber + timestamp * 2^32).
    function _writeInputs(uint256[] memory inputs, uint256 offset, uint256 oldRoot, uint256 newRoot, uint256 header, bytes calldata pubdata) private view {
        inputs[offset] = oldRoot;
        inputs[offset + 1] = newRoot;
        inputs[offset + 2] = header;
        inputs[offset + 3] = domainSeparator();
        // Every caller sizes `inputs` for its pubdata (PubdataChunks.write does not check bounds).
        assert(offset + HEADER_INPUTS + PubdataChunks.count(pubdata.length) <= inputs.length);
        PubdataChunks.write(pubdata, inputs, offset + HEADER_INPUTS);
    }

    /// @dev Pulls `amount` of a registered token from the caller (ETH: the call's value); returns what actually arrived.
    function _pull(uint256 tokenId, uint256 amount) private returns (uint256 received) {
        if (tokenId == 0 || tokenId > tokenCount) revert UnknownToken(tokenId);
        IERC20 token = tokens[tokenId];
        if (address(token) == address(0)) {
            if (msg.value != amount) revert WrongValue(amount, msg.value);
            received = amount;
        } else {
            if (msg.value != 0) revert WrongValue(0, msg.value);
            uint256 before = token.balanceOf(address(this));
            // A token whose balance shrank by itself (a negative rebase) is unsupported: no more money goes in.
            if (before < tokenTotal[tokenId]) revert TokenBalanceShort(tokenId, before, tokenTotal[tokenId]);
            token.safeTransferFrom(msg.sender, address(this), amount);
            received = token.balanceOf(address(this)) - before;
        }
        if (received == 0) revert ZeroAmount();
        uint256 total = tokenTotal[tokenId] + received;
        if (total > MAX_AMOUNT) revert TokenTotalTooLarge(tokenId);
        tokenTotal[tokenId] = total;
    }

    /// @dev Pays `amount` of a registered token (or ETH) to `to`. Callers update their state first.
    function _pay(uint256 tokenId, address to, uint256 amount) private {
        IERC20 token = tokens[tokenId];
        if (address(token) != address(0)) return token.safeTransfer(to, amount);
        (bool ok,) = to.call{value: amount}("");
        if (!ok) revert EthTransferFailed(to, amount);
    }

    /// @dev Appends the deposit record (docs/protocol.md §6) to the queue's running hash.
    function _queue(uint256 accountId, uint256 tokenId, uint256 amount, uint256 ax, uint256 ay) private {
        bytes memory record = abi.encodePacked(uint8(TX_DEPOSIT), uint32(accountId), uint16(tokenId), uint96(amount), ax, ay);
        uint256 index = queueHashes.length - 1;
        queueHashes.push(keccak256(abi.encodePacked(queueHashes[index], record)));
        uint64 deadline = _nextDeadline(depositDeadlines, depositsPerBatch);
        depositDeadlines.push(deadline);
        emit DepositQueued(index, accountId, tokenId, amount, ax, ay, deadline);
    }

    /// @dev The enabled deposit records of `pubdata` must extend the running hash from
    ///      `depositsConsumed` to a queued entry. Returns the new count of consumed deposits.
    function _matchDeposits(bytes calldata pubdata) internal view returns (uint256 consumed) {
        bool matched;
        (consumed, matched) = _extendQueue(queueHashes, depositsConsumed, pubdata[:depositsPerBatch * DEPOSIT_PUBDATA_BYTES], DEPOSIT_PUBDATA_BYTES, TX_DEPOSIT, 0, DEPOSIT_PUBDATA_BYTES);
        if (!matched) revert DepositQueueMismatch(depositsConsumed, consumed - depositsConsumed);
    }

    /// @dev The forced withdrawal records of `pubdata` must extend the forced queue's running hash
    ///      from `forcedConsumed` to a queued entry. Returns the new count of processed requests.
    function _matchForced(bytes calldata pubdata) internal view returns (uint256 consumed) {
        uint256 offset = depositsPerBatch * DEPOSIT_PUBDATA_BYTES;
        bytes calldata section = pubdata[offset:offset + withdrawalsPerBatch * WITHDRAWAL_PUBDATA_BYTES];
        bool matched;
        (consumed, matched) = _extendQueue(forcedHashes, forcedConsumed, section, WITHDRAWAL_PUBDATA_BYTES, TX_FORCED_WITHDRAWAL, 1, 7);
        if (!matched) revert ForcedQueueMismatch(forcedConsumed, consumed - forcedConsumed);
    }

    /// @dev Extends the running hash `hashes[consumed]`, in order, by bytes [hashFrom, hashTo) of every
    ///      record of `section` whose type byte is `txType`: a whole deposit record; a forced
    ///      withdrawal's accountId and tokenId (its amount is the balance the batch finds). Returns the
    ///      new count and whether it lands on a queued entry.
    function _extendQueue(
        bytes32[] storage hashes,
        uint256 consumed,
        bytes calldata section,
        uint256 recordBytes,
        uint256 txType,
        uint256 hashFrom,
        uint256 hashTo
    )
        private
        view
        returns (uint256, bool)
    {
        uint256 first = 0;
        while (first < section.length && uint8(section[first]) != txType) first += recordBytes;
        // No record of the queue: nothing consumed, and hashes[consumed] exists (consumed < hashes.length always).
        if (first >= section.length) return (consumed, true);
        bytes32 h = hashes[consumed];
        for (uint256 offset = first; offset < section.length; offset += recordBytes) {
            if (uint8(section[offset]) != txType) continue;
            h = keccak256(abi.encodePacked(h, section[offset + hashFrom:offset + hashTo]));
            ++consumed;
        }
        return (consumed, consumed < hashes.length && hashes[consumed] == h);
    }

    /// @dev Root of a 4-ary Poseidon tree from a leaf, its index and its path (docs/protocol.md §2).
    function _root(uint256 leaf, uint256 index, uint256[3][] calldata path) private view returns (uint256 h) {
        h = leaf;
        for (uint256 l = 0; l < path.length; ++l) {
            uint256 pos = index % 4;
            index /= 4;
            uint256[4] memory children;
            uint256 s = 0;
            for (uint256 c = 0; c < 4; ++c) children[c] = c == pos ? h : path[l][s++];
            h = nodeHasher.poseidon(children);
        }
    }

    /// @dev Credits every enabled withdrawal record of `pubdata` to what its account is owed.
    function _creditWithdrawals(bytes calldata pubdata) private {
        uint256 offset = depositsPerBatch * DEPOSIT_PUBDATA_BYTES;
        for (uint256 i = 0; i < withdrawalsPerBatch; ++i) {
            bytes calldata record = pubdata[offset:offset + WITHDRAWAL_PUBDATA_BYTES];
            offset += WITHDRAWAL_PUBDATA_BYTES;
            uint8 txType = uint8(record[0]);
            if (txType != TX_WITHDRAWAL && txType != TX_FORCED_WITHDRAWAL) continue;
            uint256 accountId = uint32(bytes4(record[1:5]));
            uint256 tokenId = uint16(bytes2(record[5:7]));
            if (txType == TX_FORCED_WITHDRAWAL) forcedOpen[accountId][tokenId] = false;
            owed[accountId][tokenId] += uint96(bytes12(record[7:19]));
        }
    }

    /// @dev Credits the fees of every market record of `pubdata` (the last section) to the fee account,
    ///      in the record's quote token (bytes 2-3; fees in bytes 10-21).
    function _creditFees(bytes calldata pubdata) private {
        uint256 offset = pubdata.length - marketsPerBatch * MARKET_PUBDATA_BYTES;
        for (uint256 i = 0; i < marketsPerBatch; ++i) {
            bytes calldata record = pubdata[offset:offset + MARKET_PUBDATA_BYTES];
            offset += MARKET_PUBDATA_BYTES;
            uint256 fees = uint96(bytes12(record[10:22]));
            if (fees != 0) owed[FEE_ACCOUNT][uint16(bytes2(record[2:4]))] += fees;
        }
    }

    /// @notice The owner sets who is paid the fees (`claim(FEE_ACCOUNT, tokenId)` pays them).
    function setFeeRecipient(address recipient) external onlyOwner {
        if (recipient == address(0)) revert InvalidConfiguration();
        emit FeeRecipientChanged(accountOwner[FEE_ACCOUNT], recipient);
        accountOwner[FEE_ACCOUNT] = recipient;
    }
}
