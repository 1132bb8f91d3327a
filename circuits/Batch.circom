pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "ProtocolConstants.circom";
include "DepositSettlement.circom";
include "WithdrawalSettlement.circom";
include "CancelSettlement.circom";
include "FillSettlement.circom";
include "NettedFills.circom";
include "MarketSelect.circom";
include "MarketSection.circom";
include "PowerOfTen.circom";
include "PubdataChunks.circom";

// The batch circuit (docs/protocol.md §4, §6): nDeposits deposit slots, then nWithdrawals
// withdrawal slots, then nCancels cancel slots, then nFills fill slots, applied in that order, take
// the state from oldRoot to newRoot, and nMarkets market records (a power of 2) give each fill its
// pair, fee rates and scale and total its fees; the public
// signals are oldRoot, newRoot, header = batchNumber + timestamp*2^32, domain and the pubdata (the
// records of the five sections in that order) in 31-byte chunks. Signatures are checked for
// `domain`, order expiries against `timestamp`. With nOrderRows > 0 the fills settle through
// nOrderRows order rows and nAccountRows account rows (NettedFills, docs/protocol.md §4.5), else one
// by one (FillSettlement): the inputs of the other way are empty arrays.
template Batch(nDeposits, nWithdrawals, nCancels, nFills, nMarkets, accountDepth, balanceDepth, orderDepth, nOrderRows, nAccountRows) {
    var NETTED = nOrderRows > 0 ? 1 : 0;
    var nSeq = (1 - NETTED) * nFills;
    var nNet = NETTED * nFills;
    var marketBits = 0;
    while ((1 << marketBits) < nMarkets) marketBits++;
    assert((1 << marketBits) == nMarkets);
    var FILL_BYTES = (4 * accountDepth + 4 * orderDepth + 2 * STORAGE_STEP_BITS() + 1 + marketBits + LOT_BITS() + TICK_BITS() + 7) \ 8;
    var CANCEL_BYTES = (2 * accountDepth + 2 * orderDepth + STORAGE_STEP_BITS() + 7) \ 8;
    var PUBDATA_BYTES = nDeposits * DEPOSIT_PUBDATA_BYTES() + nWithdrawals * WITHDRAWAL_PUBDATA_BYTES() + nCancels * CANCEL_BYTES + nFills * FILL_BYTES + nMarkets * MARKET_PUBDATA_BYTES();
    signal input oldRoot;
    signal input newRoot;
    signal input header;
    signal input domain;
    // The public signals are these five, in this order (circom orders public inputs as declared).
    signal input chunks[(PUBDATA_BYTES + PUBDATA_CHUNK_BYTES() - 1) \ PUBDATA_CHUNK_BYTES()];
    signal input batchNumber;
    signal input timestamp;

    signal input deposits[nDeposits][5];
    signal input depositKeys[nDeposits][2];
    signal input depositNonces[nDeposits];
    signal input depositBalances[nDeposits];
    signal input depositBalancePaths[nDeposits][balanceDepth][3];
    signal input depositOrderRoots[nDeposits];
    signal input depositAccountPaths[nDeposits][accountDepth][3];

    signal input withdrawals[nWithdrawals][5];
    signal input withdrawalSignatures[nWithdrawals][3];
    signal input withdrawalKeys[nWithdrawals][2];
    signal input withdrawalBalances[nWithdrawals];
    signal input withdrawalBalancePaths[nWithdrawals][balanceDepth][3];
    signal input withdrawalOrderRoots[nWithdrawals];
    signal input withdrawalAccountPaths[nWithdrawals][accountDepth][3];

    signal input cancels[nCancels][2];
    signal input cancelSignatures[nCancels][3];
    signal input cancelKeys[nCancels][2];
    signal input cancelNonces[nCancels];
    signal input cancelBalanceRoots[nCancels];
    signal input cancelSlots[nCancels][2];
    signal input cancelSlotPaths[nCancels][orderDepth][3];
    signal input cancelAccountPaths[nCancels][accountDepth][3];

    signal input lots[nFills];
    signal input ticks[nFills];
    // the market record each fill names, and the records: baseToken, quoteToken, takerFeeRate,
    // makerFeeRate, lotExponent, tickExponent
    signal input fillMarkets[nFills];
    signal input markets[nMarkets][6];
    // fills one by one (FillSettlement)
    signal input orders[nSeq][2][9];
    signal input signatures[nSeq][2][3];
    signal input keys[nSeq][2][2];
    signal input nonces[nSeq][2];
    signal input accountPaths[nSeq][2][accountDepth][3];
    signal input balances[nSeq][2][2];
    signal input balancePaths[nSeq][2][2][balanceDepth][3];
    signal input slots[nSeq][2][2];
    signal input slotPaths[nSeq][2][orderDepth][3];
    // netted fills (NettedFills' inputs of the same names, prefixed)
    signal input fillOrderRows[nNet][2][nOrderRows];
    signal input fillAccountRows[nNet][2][nAccountRows];
    signal input rowOrders[nOrderRows][9];
    signal input rowSignatures[nOrderRows][3];
    signal input rowSlots[nOrderRows][2];
    signal input rowSlotPaths[nOrderRows][orderDepth][3];
    signal input orderAccountRows[nOrderRows][nAccountRows];
    signal input accountEnabled[nAccountRows];
    signal input accountIds[nAccountRows];
    signal input accountKeys[nAccountRows][2];
    signal input accountNonces[nAccountRows];
    signal input accountTokens[nAccountRows][2];
    signal input accountBalances[nAccountRows][2];
    signal input accountBalancePaths[nAccountRows][2][balanceDepth][3];
    signal input accountOrderRoots[nAccountRows];
    signal input accountAccountPaths[nAccountRows][accountDepth][3];

    component batchNumberRange = Num2Bits(BATCH_NUMBER_BITS());
    batchNumberRange.in <== batchNumber;
    component timestampRange = Num2Bits(TIMESTAMP_BITS());
    timestampRange.in <== timestamp;
    header === batchNumber + timestamp * (1 << BATCH_NUMBER_BITS());

    var DEPOSIT_BITS = DEPOSIT_PUBDATA_BYTES() * 8;
    var WITHDRAWAL_BITS = WITHDRAWAL_PUBDATA_BYTES() * 8;
    var CANCEL_BITS = CANCEL_BYTES * 8;
    var FILL_BITS = FILL_BYTES * 8;
    var MARKET_BITS = nMarkets * MARKET_PUBDATA_BYTES() * 8;
    component pubdata = PubdataChunks(PUBDATA_BYTES);
    pubdata.chunks <== chunks;
    var bit = 0;
    // The root after each transaction, in order.
    signal roots[nDeposits + nWithdrawals + nCancels + nSeq + 1];
    roots[0] <== oldRoot;

    component deposit[nDeposits];
    for (var i = 0; i < nDeposits; i++) {
        deposit[i] = DepositSettlement(accountDepth, balanceDepth);
        deposit[i].rootIn <== roots[i];
        deposit[i].deposit <== deposits[i];
        deposit[i].oldKey <== depositKeys[i];
        deposit[i].nonce <== depositNonces[i];
        deposit[i].balance <== depositBalances[i];
        deposit[i].balancePath <== depositBalancePaths[i];
        deposit[i].orderRoot <== depositOrderRoots[i];
        deposit[i].accountPath <== depositAccountPaths[i];
        roots[i + 1] <== deposit[i].rootOut;
        for (var b = 0; b < DEPOSIT_BITS; b++) { pubdata.bits[bit] <== deposit[i].pubdata[b]; bit++; }
    }

    component withdrawal[nWithdrawals];
    for (var i = 0; i < nWithdrawals; i++) {
        var t = nDeposits + i;
        withdrawal[i] = WithdrawalSettlement(accountDepth, balanceDepth);
        withdrawal[i].rootIn <== roots[t];
        withdrawal[i].domain <== domain;
        withdrawal[i].withdrawal <== withdrawals[i];
        withdrawal[i].signature <== withdrawalSignatures[i];
        withdrawal[i].key <== withdrawalKeys[i];
        withdrawal[i].balance <== withdrawalBalances[i];
        withdrawal[i].balancePath <== withdrawalBalancePaths[i];
        withdrawal[i].orderRoot <== withdrawalOrderRoots[i];
        withdrawal[i].accountPath <== withdrawalAccountPaths[i];
        roots[t + 1] <== withdrawal[i].rootOut;
        for (var b = 0; b < WITHDRAWAL_BITS; b++) { pubdata.bits[bit] <== withdrawal[i].pubdata[b]; bit++; }
    }

    component cancel[nCancels];
    for (var i = 0; i < nCancels; i++) {
        var t = nDeposits + nWithdrawals + i;
        cancel[i] = CancelSettlement(accountDepth, orderDepth);
        cancel[i].rootIn <== roots[t];
        cancel[i].domain <== domain;
        cancel[i].cancel <== cancels[i];
        cancel[i].signature <== cancelSignatures[i];
        cancel[i].key <== cancelKeys[i];
        cancel[i].nonce <== cancelNonces[i];
        cancel[i].balanceRoot <== cancelBalanceRoots[i];
        cancel[i].slot <== cancelSlots[i];
        cancel[i].slotPath <== cancelSlotPaths[i];
        cancel[i].accountPath <== cancelAccountPaths[i];
        roots[t + 1] <== cancel[i].rootOut;
        for (var b = 0; b < CANCEL_BITS; b++) { pubdata.bits[bit] <== cancel[i].pubdata[b]; bit++; }
    }

    // Each market record's scales, 10^lotExponent and 10^tickExponent; the rows fills choose from.
    component scale[nMarkets][2];
    signal rows[nMarkets][6];
    for (var j = 0; j < nMarkets; j++) {
        for (var e = 0; e < 2; e++) {
            scale[j][e] = PowerOfTen();
            scale[j][e].exponent <== markets[j][4 + e];
            rows[j][4 + e] <== scale[j][e].out;
        }
        for (var f = 0; f < 4; f++) rows[j][f] <== markets[j][f];
    }

    component select[nFills];
    for (var i = 0; i < nFills; i++) {
        select[i] = MarketSelect(nMarkets, marketBits);
        select[i].index <== fillMarkets[i];
        select[i].markets <== rows;
    }
    component fill[nSeq];
    for (var i = 0; i < nSeq; i++) {
        var t = nDeposits + nWithdrawals + nCancels + i;
        fill[i] = FillSettlement(accountDepth, balanceDepth, orderDepth, marketBits);
        fill[i].rootIn <== roots[t];
        fill[i].domain <== domain;
        fill[i].timestamp <== timestamp;
        fill[i].orders <== orders[i];
        fill[i].signatures <== signatures[i];
        fill[i].lots <== lots[i];
        fill[i].ticks <== ticks[i];
        fill[i].market <== select[i].out;
        fill[i].marketIndexBits <== select[i].bits;
        fill[i].keys <== keys[i];
        fill[i].nonces <== nonces[i];
        fill[i].accountPaths <== accountPaths[i];
        fill[i].balances <== balances[i];
        fill[i].balancePaths <== balancePaths[i];
        fill[i].slots <== slots[i];
        fill[i].slotPaths <== slotPaths[i];
        roots[t + 1] <== fill[i].rootOut;
        for (var b = 0; b < FILL_BITS; b++) { pubdata.bits[bit] <== fill[i].pubdata[b]; bit++; }
    }
    component section[NETTED];
    for (var n = 0; n < NETTED; n++) {
        section[n] = NettedFills(nFills, nOrderRows, nAccountRows, accountDepth, balanceDepth, orderDepth, marketBits);
        section[n].rootIn <== roots[nDeposits + nWithdrawals + nCancels];
        section[n].domain <== domain;
        section[n].timestamp <== timestamp;
        section[n].lots <== lots;
        section[n].ticks <== ticks;
        for (var i = 0; i < nFills; i++) {
            section[n].markets[i] <== select[i].out;
            section[n].marketIndexBits[i] <== select[i].bits;
        }
        section[n].fillOrderRows <== fillOrderRows;
        section[n].fillAccountRows <== fillAccountRows;
        section[n].orders <== rowOrders;
        section[n].signatures <== rowSignatures;
        section[n].slots <== rowSlots;
        section[n].slotPaths <== rowSlotPaths;
        section[n].orderAccountRows <== orderAccountRows;
        section[n].accountEnabled <== accountEnabled;
        section[n].accountIds <== accountIds;
        section[n].keys <== accountKeys;
        section[n].nonces <== accountNonces;
        section[n].tokens <== accountTokens;
        section[n].balances <== accountBalances;
        section[n].balancePaths <== accountBalancePaths;
        section[n].orderRoots <== accountOrderRoots;
        section[n].accountPaths <== accountAccountPaths;
        for (var b = 0; b < nFills * FILL_BITS; b++) { pubdata.bits[bit] <== section[n].pubdata[b]; bit++; }
        section[n].rootOut === newRoot;
    }
    if (NETTED == 0) {
        roots[nDeposits + nWithdrawals + nCancels + nSeq] === newRoot;
    }

    // The market section: the records, with each one's fees, credited on L1.
    component marketSection = MarketSection(nFills, nMarkets);
    marketSection.markets <== markets;
    for (var j = 0; j < nMarkets; j++) for (var e = 0; e < 2; e++) marketSection.exponentBits[j][e] <== scale[j][e].bits;
    for (var i = 0; i < nFills; i++) {
        marketSection.selected[i] <== select[i].selected;
        if (NETTED == 1) {
            marketSection.enabled[i] <== section[0].enabled[i];
            marketSection.fees[i] <== section[0].fees[i];
        } else {
            marketSection.enabled[i] <== fill[i].enabled;
            marketSection.fees[i] <== fill[i].fees;
        }
    }
    for (var b = 0; b < MARKET_BITS; b++) { pubdata.bits[bit] <== marketSection.pubdata[b]; bit++; }
}
