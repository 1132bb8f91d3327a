pragma circom 2.1.9;

include "../node_modules/circomlib/circuits/bitify.circom";
include "../node_modules/circomlib/circuits/comparators.circom";
include "ProtocolConstants.circom";
include "OrderRow.circom";
include "AccountRow.circom";
include "FillCore.circom";

// The netted fill section (docs/protocol.md §4.5): nFills fills settle through nOrderRows order
// rows and nAccountRows account rows, taking the state from rootIn to rootOut. Each fill names its
// taker's and maker's order rows and account rows by one-hot selectors (all zero for padding); each
// order row names its account's first account row the same way. Order rows check each order once
// (OrderRow: signature, expiry, the slot rule for the sum of its fills) and are sorted strictly by
// (account, slot index), enabled ones first: at most one row a slot. Account rows are sorted by
// account, enabled ones first; each changes its account's two balances of one pair by the sum of
// its fills' changes (AccountRow: F7 on the net result), the first row of an account also its order
// root, from before its order rows to after them. Outputs each fill's fees and enabled flag (for the
// market section) and the fills' records.
template NettedFills(nFills, nOrderRows, nAccountRows, accountDepth, balanceDepth, orderDepth, marketBits) {
    var RECORD_BYTES = (4 * accountDepth + 4 * orderDepth + 2 * STORAGE_STEP_BITS() + 1 + marketBits + LOT_BITS() + TICK_BITS() + 7) \ 8;
    signal input rootIn;
    signal input domain;
    signal input timestamp;

    signal input lots[nFills];
    signal input ticks[nFills];
    // each fill's market record (MarketSelect's row) and its index's bits as published
    signal input markets[nFills][6];
    signal input marketIndexBits[nFills][marketBits];
    signal input fillOrderRows[nFills][2][nOrderRows];
    signal input fillAccountRows[nFills][2][nAccountRows];

    signal input orders[nOrderRows][9];
    signal input signatures[nOrderRows][3];
    signal input slots[nOrderRows][2];
    signal input slotPaths[nOrderRows][orderDepth][3];
    signal input orderAccountRows[nOrderRows][nAccountRows];

    signal input accountEnabled[nAccountRows];
    signal input accountIds[nAccountRows];
    signal input keys[nAccountRows][2];
    signal input nonces[nAccountRows];
    // [row][0 = base, 1 = quote]: the pair's tokens and the balances before the row
    signal input tokens[nAccountRows][2];
    signal input balances[nAccountRows][2];
    signal input balancePaths[nAccountRows][2][balanceDepth][3];
    // each account row's order root before it
    signal input orderRoots[nAccountRows];
    signal input accountPaths[nAccountRows][accountDepth][3];

    signal output rootOut;
    signal output fees[nFills];
    signal output enabled[nFills];
    signal output pubdata[nFills * RECORD_BYTES * 8];

    assert(STORAGE_STEP_BITS() == 2);
    var ACCOUNT = 0; var BASE = 2; var QUOTE = 3; var SIDE = 4; var MAX_FEE_RATE = 6; var PRICE = 8;

    // --- account rows: ids in range and sorted, enabled ones first; which is an account's first ---
    component accountBits[nAccountRows];
    component tokenBits[nAccountRows][2];
    component sorted[nAccountRows];
    component sameAccount[nAccountRows];
    signal first[nAccountRows];
    for (var a = 0; a < nAccountRows; a++) {
        accountEnabled[a] * (accountEnabled[a] - 1) === 0;
        accountBits[a] = Num2Bits(2 * accountDepth);
        accountBits[a].in <== accountIds[a];
        for (var t = 0; t < 2; t++) {
            tokenBits[a][t] = Num2Bits(2 * balanceDepth);
            tokenBits[a][t].in <== tokens[a][t];
        }
        // A padding account row is named by no fill and no order row.
        var uses = 0;
        for (var f = 0; f < nFills; f++) uses += fillAccountRows[f][0][a] + fillAccountRows[f][1][a];
        uses * (1 - accountEnabled[a]) === 0;
        var namedBy = 0;
        for (var j = 0; j < nOrderRows; j++) namedBy += orderAccountRows[j][a];
        namedBy * (1 - accountEnabled[a]) === 0;
        if (a == 0) {
            first[a] <== 1;
        } else {
            accountEnabled[a] * (1 - accountEnabled[a - 1]) === 0;
            sorted[a] = LessEqThan(2 * accountDepth);
            sorted[a].in <== [accountIds[a - 1], accountIds[a]];
            (1 - sorted[a].out) * accountEnabled[a] === 0;
            sameAccount[a] = IsEqual();
            sameAccount[a].in <== [accountIds[a - 1], accountIds[a]];
            first[a] <== 1 - sameAccount[a].out;
        }
    }

    // --- each order row's batchFilled: the sum of its fills' base amounts (each fill's base
    // amount as FillCore computes it, lots * 10^lotExponent, here before the rows that take it) ---
    signal baseAmounts[nFills];
    for (var f = 0; f < nFills; f++) baseAmounts[f] <== lots[f] * markets[f][4];
    signal filledTerms[nFills][nOrderRows];
    signal batchFilled[nOrderRows];
    for (var j = 0; j < nOrderRows; j++) {
        var sum = 0;
        for (var f = 0; f < nFills; f++) {
            filledTerms[f][j] <== baseAmounts[f] * (fillOrderRows[f][0][j] + fillOrderRows[f][1][j]);
            sum += filledTerms[f][j];
        }
        batchFilled[j] <== sum;
    }

    // --- order rows: each names its account's first account row; sorted by (account, slot) ---
    component row[nOrderRows];
    component rowSorted[nOrderRows];
    component rowSameAccount[nOrderRows];
    component rowPadding[nOrderRows];
    signal rowEnabled[nOrderRows];
    signal rowKeys[nOrderRows];
    signal rowAccountId[nOrderRows][nAccountRows];
    signal rowFirst[nOrderRows][nAccountRows];
    signal rowOrderRoot[nOrderRows][nAccountRows];
    signal rowKeyTerms[nOrderRows][2][nAccountRows];
    signal start[nOrderRows];
    signal chained[nOrderRows];
    signal rowRootIn[nOrderRows];
    signal slotIndex[nOrderRows];
    signal step[nOrderRows];
    for (var j = 0; j < nOrderRows; j++) {
        var named = 0;
        var id = 0;
        var isFirst = 0;
        var root = 0;
        var ax = 0;
        var ay = 0;
        for (var a = 0; a < nAccountRows; a++) {
            orderAccountRows[j][a] * (orderAccountRows[j][a] - 1) === 0;
            named += orderAccountRows[j][a];
            rowAccountId[j][a] <== orderAccountRows[j][a] * accountIds[a];
            rowFirst[j][a] <== orderAccountRows[j][a] * first[a];
            rowOrderRoot[j][a] <== orderAccountRows[j][a] * orderRoots[a];
            rowKeyTerms[j][0][a] <== orderAccountRows[j][a] * keys[a][0];
            rowKeyTerms[j][1][a] <== orderAccountRows[j][a] * keys[a][1];
            id += rowAccountId[j][a];
            isFirst += rowFirst[j][a];
            root += rowOrderRoot[j][a];
            ax += rowKeyTerms[j][0][a];
            ay += rowKeyTerms[j][1][a];
        }
        // An enabled row (one with fills; OrderRow decides the same from batchFilled) names one
        // account row, its account's first; a padding row none. Checked before the row's own rules.
        rowPadding[j] = IsZero();
        rowPadding[j].in <== batchFilled[j];
        rowEnabled[j] <== 1 - rowPadding[j].out;
        named === rowEnabled[j];
        isFirst === rowEnabled[j];
        (id - orders[j][ACCOUNT]) * rowEnabled[j] === 0;

        row[j] = OrderRow(accountDepth, orderDepth);
        row[j].order <== orders[j];
        row[j].signature <== signatures[j];
        row[j].domain <== domain;
        row[j].timestamp <== timestamp;
        row[j].ax <== ax;
        row[j].ay <== ay;
        row[j].slot <== slots[j];
        row[j].slotPath <== slotPaths[j];
        row[j].batchFilled <== batchFilled[j];
        // The account's order root: from its first account row at the start of its run of rows,
        // else from the previous row.
        if (j == 0) {
            start[j] <== 1;
            chained[j] <== 0;
        } else {
            rowSameAccount[j] = IsEqual();
            rowSameAccount[j].in <== [orders[j - 1][ACCOUNT], orders[j][ACCOUNT]];
            start[j] <== 1 - rowSameAccount[j].out;
            chained[j] <== (1 - start[j]) * row[j - 1].orderRootOut;
        }
        rowRootIn[j] <== start[j] * root + chained[j];
        row[j].orderRootIn <== rowRootIn[j];

        var index = 0;
        for (var k = 0; k < 2 * orderDepth; k++) index += row[j].storageBits[k] * (1 << k);
        slotIndex[j] <== index;
        step[j] <== 2 * row[j].stepBits[0] + row[j].stepBits[1];
        rowKeys[j] <== orders[j][ACCOUNT] * (1 << (2 * orderDepth)) + slotIndex[j];
        if (j > 0) {
            rowEnabled[j] * (1 - rowEnabled[j - 1]) === 0;
            rowSorted[j] = LessThan(2 * accountDepth + 2 * orderDepth);
            rowSorted[j].in <== [rowKeys[j - 1], rowKeys[j]];
            (1 - rowSorted[j].out) * rowEnabled[j] === 0;
        }
    }
    // last[j]: row j is the last enabled row of its account's run.
    signal continued[nOrderRows];
    signal last[nOrderRows];
    for (var j = 0; j < nOrderRows; j++) {
        if (j == nOrderRows - 1) {
            continued[j] <== 0;
        } else {
            continued[j] <== rowEnabled[j + 1] * (1 - start[j + 1]);
        }
        last[j] <== rowEnabled[j] * (1 - continued[j]);
    }

    // --- fills ---
    component core[nFills];
    signal orderTerms[nFills][2][8][nOrderRows];
    signal accountTerms[nFills][2][3][nAccountRows];
    signal parties[nFills][2][8];
    for (var f = 0; f < nFills; f++) {
        core[f] = FillCore(accountDepth, orderDepth, marketBits);
        core[f].lots <== lots[f];
        core[f].ticks <== ticks[f];
        core[f].market <== markets[f];
        core[f].marketIndexBits <== marketIndexBits[f];
        var counts[2];
        var nameds[2];
        for (var p = 0; p < 2; p++) {
            var count = 0;
            var v[8];
            for (var x = 0; x < 8; x++) v[x] = 0;
            for (var j = 0; j < nOrderRows; j++) {
                fillOrderRows[f][p][j] * (fillOrderRows[f][p][j] - 1) === 0;
                count += fillOrderRows[f][p][j];
                // accountId, slot index, step, side, price, baseToken, quoteToken, maxFeeRate
                orderTerms[f][p][0][j] <== fillOrderRows[f][p][j] * orders[j][ACCOUNT];
                orderTerms[f][p][1][j] <== fillOrderRows[f][p][j] * slotIndex[j];
                orderTerms[f][p][2][j] <== fillOrderRows[f][p][j] * step[j];
                orderTerms[f][p][3][j] <== fillOrderRows[f][p][j] * orders[j][SIDE];
                orderTerms[f][p][4][j] <== fillOrderRows[f][p][j] * orders[j][PRICE];
                orderTerms[f][p][5][j] <== fillOrderRows[f][p][j] * orders[j][BASE];
                orderTerms[f][p][6][j] <== fillOrderRows[f][p][j] * orders[j][QUOTE];
                orderTerms[f][p][7][j] <== fillOrderRows[f][p][j] * orders[j][MAX_FEE_RATE];
                for (var x = 0; x < 8; x++) v[x] += orderTerms[f][p][x][j];
            }
            counts[p] = count;
            for (var x = 0; x < 8; x++) parties[f][p][x] <== v[x];
            core[f].parties[p] <== parties[f][p];

            // The party's account row: its order's account and pair.
            var named = 0;
            var w[3];
            for (var x = 0; x < 3; x++) w[x] = 0;
            for (var a = 0; a < nAccountRows; a++) {
                fillAccountRows[f][p][a] * (fillAccountRows[f][p][a] - 1) === 0;
                named += fillAccountRows[f][p][a];
                accountTerms[f][p][0][a] <== fillAccountRows[f][p][a] * accountIds[a];
                accountTerms[f][p][1][a] <== fillAccountRows[f][p][a] * tokens[a][0];
                accountTerms[f][p][2][a] <== fillAccountRows[f][p][a] * tokens[a][1];
                for (var x = 0; x < 3; x++) w[x] += accountTerms[f][p][x][a];
            }
            nameds[p] = named;
            w[0] === parties[f][p][0];
            w[1] === parties[f][p][5];
            w[2] === parties[f][p][6];
        }
        // An enabled fill names one order row and one account row for each party; padding none.
        for (var p = 0; p < 2; p++) {
            counts[p] === core[f].enabled;
            nameds[p] === core[f].enabled;
        }
        fees[f] <== core[f].fees;
        enabled[f] <== core[f].enabled;
        for (var b = 0; b < RECORD_BYTES * 8; b++) pubdata[f * RECORD_BYTES * 8 + b] <== core[f].pubdata[b];
    }

    // --- account rows: the sums of their fills' changes; the order root after the account's rows ---
    component account[nAccountRows];
    signal changeTerms[nFills][2][2][nAccountRows];
    signal lastOf[nOrderRows][nAccountRows];
    signal lastRoot[nOrderRows][nAccountRows];
    signal roots[nAccountRows + 1];
    roots[0] <== rootIn;
    for (var a = 0; a < nAccountRows; a++) {
        var delta[2];
        delta[0] = 0;
        delta[1] = 0;
        for (var f = 0; f < nFills; f++) {
            for (var p = 0; p < 2; p++) {
                for (var t = 0; t < 2; t++) {
                    changeTerms[f][p][t][a] <== fillAccountRows[f][p][a] * core[f].changes[p][t];
                    delta[t] += changeTerms[f][p][t][a];
                }
            }
        }
        var moved = 0;
        for (var j = 0; j < nOrderRows; j++) {
            lastOf[j][a] <== orderAccountRows[j][a] * last[j];
            lastRoot[j][a] <== lastOf[j][a] * (row[j].orderRootOut - orderRoots[a]);
            moved += lastRoot[j][a];
        }
        account[a] = AccountRow(accountDepth, balanceDepth);
        account[a].rootIn <== roots[a];
        account[a].accountBits <== accountBits[a].out;
        account[a].accountPath <== accountPaths[a];
        account[a].ax <== keys[a][0];
        account[a].ay <== keys[a][1];
        account[a].nonce <== nonces[a];
        account[a].baseBits <== tokenBits[a][0].out;
        account[a].quoteBits <== tokenBits[a][1].out;
        account[a].baseBalance <== balances[a][0];
        account[a].quoteBalance <== balances[a][1];
        account[a].baseDelta <== delta[0];
        account[a].quoteDelta <== delta[1];
        account[a].basePath <== balancePaths[a][0];
        account[a].quotePath <== balancePaths[a][1];
        account[a].orderRootIn <== orderRoots[a];
        account[a].orderRootOut <== orderRoots[a] + moved;
        roots[a + 1] <== account[a].rootOut;
    }
    rootOut <== roots[nAccountRows];
}
