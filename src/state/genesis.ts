import { KeyPair } from "../crypto/eddsa.js";
import type { StateDims } from "./account.js";
import { RollupState } from "./rollup-state.js";

/** A trader of the genesis state: account id, key and starting balances by token. */
export interface GenesisTrader {
  accountId: number;
  key: KeyPair;
  balances: Record<number, bigint>;
}

export const DEMO_BASE_TOKEN = 1;
export const DEMO_QUOTE_TOKEN = 2;

/**
 * Genesis for tests and the demo: `traders` accounts with deterministic keys (seeded by name, so
 * anyone can rebuild it) holding the same base and quote balances.
 */
export function demoGenesis(dims: StateDims, traders = 4, base = 1_000_000n, quote = 100_000_000n): { state: RollupState; traders: GenesisTrader[] } {
  const state = new RollupState(dims);
  const out: GenesisTrader[] = [];
  for (let i = 0; i < traders; i++) {
    const key = KeyPair.fromSeed(`trader-${i}`);
    const accountId = i + 1;
    state.createAccount(accountId, key.publicKey);
    const balances = { [DEMO_BASE_TOKEN]: base, [DEMO_QUOTE_TOKEN]: quote };
    for (const [token, amount] of Object.entries(balances)) state.setGenesisBalance(accountId, Number(token), amount);
    out.push({ accountId, key, balances });
  }
  return { state, traders: out };
}

/** The demo's one market: base token 1 against quote token 2, any integer price and size. */
export const DEMO_MARKET = {
  id: 1,
  baseToken: DEMO_BASE_TOKEN,
  quoteToken: DEMO_QUOTE_TOKEN,
  tickSize: 1n,
  lotSize: 1n,
  minSize: 1n,
  selfTradePrevention: "cancel-newest",
} as const;
