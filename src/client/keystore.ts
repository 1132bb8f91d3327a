import { readFile } from "node:fs/promises";
import { xchacha20poly1305 } from "@noble/ciphers/chacha.js";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { bytesToHex, hexToBytes, randomBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { type Hex, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { initEddsa, KeyPair } from "../crypto/eddsa.js";
import { ProofbookError } from "../errors.js";

/** A keystore that cannot be read, is not one, or does not open with the passphrase given. */
export class KeystoreError extends ProofbookError {}

/** A trader's two keys: the L1 wallet's (secp256k1, pays and receives on L1) and the L2 key (BabyJubJub, signs orders). */
export interface TraderKeys {
  l1PrivateKey: Hex;
  l2PrivateKey: Uint8Array;
}

/** Scrypt's cost: 2^17 (128 MiB, ~0.5 s), as Ethereum's keystores use; lower only in tests. */
export const SCRYPT_N = 2 ** 17;

/**
 * The keystore file (JSON, docs/protocol.md §11): the public part in clear, the private keys
 * sealed by XChaCha20-Poly1305 under a key scrypt derives from the passphrase. The public part is
 * the cipher's associated data, so a changed address or key fails to open like a wrong passphrase.
 */
export interface KeystoreFile {
  kind: "proofbook-keystore";
  version: 1;
  l1Address: Hex;
  l2PublicKey: { ax: string; ay: string };
  kdf: { name: "scrypt"; N: number; r: number; p: number; salt: string };
  cipher: { name: "xchacha20-poly1305"; nonce: string };
  ciphertext: string;
}

/** Fresh keys from the system's CSPRNG. */
export function newTraderKeys(): TraderKeys {
  return { l1PrivateKey: `0x${bytesToHex(randomBytes(32))}`, l2PrivateKey: randomBytes(32) };
}

/** The public part of `keys`: the L1 address and the L2 public key (after initEddsa or initCrypto). */
export function publicKeys(keys: TraderKeys): { l1Address: Hex; l2PublicKey: { ax: string; ay: string }; l2: KeyPair } {
  checkKeys(keys);
  const l2 = new KeyPair(keys.l2PrivateKey);
  return { l1Address: privateKeyToAccount(keys.l1PrivateKey).address, l2PublicKey: { ax: l2.publicKey.ax.toString(), ay: l2.publicKey.ay.toString() }, l2 };
}

function checkKeys(keys: TraderKeys): void {
  if (!isHex(keys.l1PrivateKey) || keys.l1PrivateKey.length !== 66) throw new KeystoreError("the L1 private key must be 0x and 64 hex digits");
  if (!(keys.l2PrivateKey instanceof Uint8Array) || keys.l2PrivateKey.length !== 32) throw new KeystoreError("the L2 private key must be 32 bytes");
}

const associatedData = (f: Pick<KeystoreFile, "l1Address" | "l2PublicKey" | "kdf">) => utf8ToBytes(JSON.stringify([f.l1Address.toLowerCase(), f.l2PublicKey.ax, f.l2PublicKey.ay, f.kdf]));

async function derive(passphrase: string, kdf: KeystoreFile["kdf"]): Promise<Uint8Array> {
  return await scryptAsync(utf8ToBytes(passphrase.normalize("NFKC")), hexToBytes(kdf.salt), { N: kdf.N, r: kdf.r, p: kdf.p, dkLen: 32, maxmem: 2 ** 31 });
}

/** Seals `keys` under `passphrase`. */
export async function sealKeystore(keys: TraderKeys, passphrase: string, options: { N?: number } = {}): Promise<KeystoreFile> {
  if (passphrase.length === 0) throw new KeystoreError("the passphrase is empty");
  await initEddsa();
  const { l1Address, l2PublicKey } = publicKeys(keys);
  const kdf = { name: "scrypt" as const, N: options.N ?? SCRYPT_N, r: 8, p: 1, salt: bytesToHex(randomBytes(32)) };
  const nonce = randomBytes(24);
  const plain = utf8ToBytes(JSON.stringify({ l1PrivateKey: keys.l1PrivateKey, l2PrivateKey: bytesToHex(keys.l2PrivateKey) }));
  const sealed = xchacha20poly1305(await derive(passphrase, kdf), nonce, associatedData({ l1Address, l2PublicKey, kdf })).encrypt(plain);
  return { kind: "proofbook-keystore", version: 1, l1Address, l2PublicKey, kdf, cipher: { name: "xchacha20-poly1305", nonce: bytesToHex(nonce) }, ciphertext: bytesToHex(sealed) };
}

/** `text` as a keystore file's public part, checked; KeystoreError otherwise. */
export function parseKeystore(text: string): KeystoreFile {
  let f: KeystoreFile;
  try {
    f = JSON.parse(text) as KeystoreFile;
  } catch {
    throw new KeystoreError("not a proofbook keystore (not JSON)");
  }
  const hex = (v: unknown, bytes?: number) => typeof v === "string" && /^[0-9a-f]*$/.test(v) && v.length % 2 === 0 && (bytes === undefined || v.length === 2 * bytes);
  const ok =
    f?.kind === "proofbook-keystore" &&
    f.version === 1 &&
    isHex(f.l1Address) &&
    f.l1Address.length === 42 &&
    /^\d+$/.test(f.l2PublicKey?.ax ?? "") &&
    /^\d+$/.test(f.l2PublicKey?.ay ?? "") &&
    f.kdf?.name === "scrypt" &&
    Number.isSafeInteger(f.kdf.N) &&
    f.kdf.N >= 2 ** 10 &&
    (f.kdf.N & (f.kdf.N - 1)) === 0 &&
    f.kdf.N <= 2 ** 20 &&
    f.kdf.r === 8 &&
    f.kdf.p === 1 &&
    hex(f.kdf.salt, 32) &&
    f.cipher?.name === "xchacha20-poly1305" &&
    hex(f.cipher.nonce, 24) &&
    hex(f.ciphertext);
  if (!ok) throw new KeystoreError("not a proofbook keystore (a field is missing or malformed)");
  return f;
}

/** The keys sealed in `file`; KeystoreError for a wrong passphrase or a changed file (indistinguishable by design). */
export async function openKeystore(file: KeystoreFile, passphrase: string): Promise<TraderKeys> {
  let plain: Uint8Array;
  try {
    plain = xchacha20poly1305(await derive(passphrase, file.kdf), hexToBytes(file.cipher.nonce), associatedData(file)).decrypt(hexToBytes(file.ciphertext));
  } catch (e) {
    throw new KeystoreError("the keystore does not open: wrong passphrase, or the file was changed", { cause: e });
  }
  await initEddsa();
  const inner = JSON.parse(new TextDecoder().decode(plain)) as { l1PrivateKey: Hex; l2PrivateKey: string };
  const keys = { l1PrivateKey: inner.l1PrivateKey, l2PrivateKey: hexToBytes(inner.l2PrivateKey) };
  const { l1Address, l2PublicKey } = publicKeys(keys);
  if (l1Address.toLowerCase() !== file.l1Address.toLowerCase() || l2PublicKey.ax !== file.l2PublicKey.ax || l2PublicKey.ay !== file.l2PublicKey.ay) {
    throw new KeystoreError("the keystore's public keys are not those of its private keys");
  }
  return keys;
}

/** The keystore file at `path`, parsed (its public part; openKeystore unseals the keys); KeystoreError naming the file otherwise. */
export async function readKeystore(path: string): Promise<KeystoreFile> {
  const text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    throw new KeystoreError(`${path}: ${e.code === "ENOENT" ? "no such keystore (make one with proofbook keys new)" : e.message}`);
  });
  return parseKeystore(text);
}
