import { constants } from "node:fs";
import { access, rename, writeFile } from "node:fs/promises";
import { type Hex, isHex } from "viem";
import { newTraderKeys, openKeystore, publicKeys, readKeystore, sealKeystore, type TraderKeys } from "../client/keystore.js";
import { initCrypto } from "../crypto/index.js";
import { ProofbookError, ValidationError } from "../errors.js";
import { parseArgs } from "./args.js";

export const USAGE = `usage: proofbook keys new|import|show [--keystore FILE] [--json] [--secret] [--force]
  A trader's two keys in an encrypted keystore file (scrypt, then XChaCha20-Poly1305): an L1 key
  (its wallet pays deposits and receives withdrawals) and an L2 key (signs orders, cancels and
  withdrawals). The private keys are never printed unless show --secret asks for them.
  new     makes both keys from the system's random source and writes FILE (mode 600); an existing
          FILE is kept unless --force
  import  seals the keys in PROOFBOOK_L1_PRIVATE_KEY (0x and 64 hex digits) and
          PROOFBOOK_L2_PRIVATE_KEY (64 hex digits) into FILE (not flags: a command line is visible to
          every user of the machine)
  show    the L1 address and the L2 public key; --secret adds both private keys (needs the passphrase)
  The passphrase comes from PROOFBOOK_PASSPHRASE, else from a prompt on the terminal (asked twice
  for new and import). --keystore: default PROOFBOOK_KEYSTORE, else ./proofbook-keystore.json.
  --json prints one JSON object.`;

/** The keystore path: --keystore, PROOFBOOK_KEYSTORE, or the default in the working directory. */
export function keystorePath(flag: string | true | undefined): string {
  if (flag === true) throw new ValidationError("--keystore", "needs a file name");
  return flag ?? process.env.PROOFBOOK_KEYSTORE ?? "proofbook-keystore.json";
}

/** Reads the passphrase without echo from the terminal (a line; Ctrl-C cancels). */
async function prompt(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding("utf8");
  return await new Promise<string>((resolve, reject) => {
    let text = "";
    const done = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(), resolve(text);
        if (ch === "\u0003") return done(), reject(new ValidationError("passphrase", "cancelled"));
        text = ch === "\u007f" || ch === "\b" ? text.slice(0, -1) : text + ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The passphrase: PROOFBOOK_PASSPHRASE, else the terminal's answer (twice, matching, for a new keystore). */
export async function passphrase(confirm: boolean): Promise<string> {
  const fromEnv = process.env.PROOFBOOK_PASSPHRASE;
  if (fromEnv !== undefined) {
    if (fromEnv === "") throw new ValidationError("PROOFBOOK_PASSPHRASE", "is empty");
    return fromEnv;
  }
  if (!process.stdin.isTTY) throw new ValidationError("PROOFBOOK_PASSPHRASE", "must be set where no terminal can prompt for the passphrase");
  const first = await prompt("keystore passphrase: ");
  if (first === "") throw new ValidationError("passphrase", "is empty");
  if (confirm && (await prompt("again: ")) !== first) throw new ValidationError("passphrase", "the two entries differ");
  return first;
}

/** The keys of the keystore at `path` (asks for its passphrase). */
export async function unlockKeystore(path: string): Promise<TraderKeys> {
  const file = await readKeystore(path);
  return await openKeystore(file, await passphrase(false));
}

function importedKeys(): TraderKeys {
  const l1 = process.env.PROOFBOOK_L1_PRIVATE_KEY;
  const l2 = process.env.PROOFBOOK_L2_PRIVATE_KEY;
  if (!l1 || !isHex(l1) || l1.length !== 66) throw new ValidationError("PROOFBOOK_L1_PRIVATE_KEY", "must be 0x and 64 hex digits");
  if (!l2 || !/^(0x)?[0-9a-fA-F]{64}$/.test(l2)) throw new ValidationError("PROOFBOOK_L2_PRIVATE_KEY", "must be 64 hex digits");
  return { l1PrivateKey: l1.toLowerCase() as Hex, l2PrivateKey: Uint8Array.from(Buffer.from(l2.replace(/^0x/, ""), "hex")) };
}

/** proofbook keys new|import|show. */
export async function keysCommand(argv: readonly string[]): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== "new" && action !== "import" && action !== "show") throw new ValidationError("keys", "needs new, import or show", action);
  const args = parseArgs(rest, { keystore: "string", json: "boolean", secret: "boolean", force: "boolean" });
  const path = keystorePath(args.keystore);
  if (args.secret && action !== "show") throw new ValidationError("--secret", "goes with show only");
  if (args.force && action === "show") throw new ValidationError("--force", "goes with new and import only");
  const keys = action === "import" ? importedKeys() : undefined;
  await initCrypto();
  const print = (view: Record<string, unknown>, lines: string[]) => console.log(args.json ? JSON.stringify(view) : lines.join("\n"));

  if (action === "show") {
    const file = await readKeystore(path);
    const view: Record<string, unknown> = { keystore: path, l1Address: file.l1Address, l2PublicKey: file.l2PublicKey };
    const lines = [`keystore ${path}`, `L1 address     ${file.l1Address}`, `L2 public key  ax ${file.l2PublicKey.ax}`, `               ay ${file.l2PublicKey.ay}`];
    if (args.secret) {
      const opened = await openKeystore(file, await passphrase(false));
      const l2 = Buffer.from(opened.l2PrivateKey).toString("hex");
      Object.assign(view, { l1PrivateKey: opened.l1PrivateKey, l2PrivateKey: l2 });
      lines.push(`L1 private key ${opened.l1PrivateKey}`, `L2 private key ${l2}`);
    }
    print(view, lines);
    return 0;
  }

  if (!args.force && (await access(path, constants.F_OK).then(() => true, () => false))) {
    throw new ProofbookError(`${path} exists: it may hold keys with funds; give another --keystore, or --force to replace it`);
  }
  const chosen = keys ?? newTraderKeys();
  const sealed = await sealKeystore(chosen, await passphrase(true));
  // Written whole or not at all: a temporary file, then a rename.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(sealed, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
  const { l1Address, l2PublicKey } = publicKeys(chosen);
  print({ keystore: path, l1Address, l2PublicKey }, [`wrote ${path}`, `L1 address     ${l1Address}`, `L2 public key  ax ${l2PublicKey.ax}`, `               ay ${l2PublicKey.ay}`]);
  return 0;
}
