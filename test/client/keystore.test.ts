import { expect } from "chai";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { privateKeyToAccount } from "viem/accounts";
import { KeystoreError, newTraderKeys, openKeystore, parseKeystore, publicKeys, sealKeystore } from "../../src/client/keystore.js";
import { initCrypto } from "../../src/crypto/index.js";
import { runProofbook } from "../helpers/hardhat-node.js";

describe("client: the trader keystore (scrypt, XChaCha20-Poly1305) and proofbook keys", function () {
  let dir: string;
  before(async () => {
    await initCrypto();
    dir = await mkdtemp(join(tmpdir(), "proofbook-keystore-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("seals and opens both keys; a wrong passphrase, a changed address, key, KDF parameter or ciphertext bit does not open", async () => {
    const keys = newTraderKeys();
    const sealed = parseKeystore(JSON.stringify(await sealKeystore(keys, "correct horse", { N: 2 ** 10 })));
    expect(sealed.l1Address).to.equal(privateKeyToAccount(keys.l1PrivateKey).address);
    expect(sealed.l2PublicKey).to.deep.equal(publicKeys(keys).l2PublicKey);
    expect(JSON.stringify(sealed)).to.not.include(keys.l1PrivateKey.slice(2));
    const opened = await openKeystore(sealed, "correct horse");
    expect(opened.l1PrivateKey).to.equal(keys.l1PrivateKey);
    expect(Buffer.from(opened.l2PrivateKey).equals(Buffer.from(keys.l2PrivateKey))).to.equal(true);
    const other = newTraderKeys();
    const flipped = (hex: string) => (hex.startsWith("0") ? "1" : "0") + hex.slice(1);
    for (const [what, file, phrase] of [
      ["wrong passphrase", sealed, "correct horse "],
      ["another address", { ...sealed, l1Address: privateKeyToAccount(other.l1PrivateKey).address }, "correct horse"],
      ["another L2 key", { ...sealed, l2PublicKey: publicKeys(other).l2PublicKey }, "correct horse"],
      ["another salt", { ...sealed, kdf: { ...sealed.kdf, salt: flipped(sealed.kdf.salt) } }, "correct horse"],
      ["a ciphertext bit", { ...sealed, ciphertext: flipped(sealed.ciphertext) }, "correct horse"],
      ["another nonce", { ...sealed, cipher: { ...sealed.cipher, nonce: flipped(sealed.cipher.nonce) } }, "correct horse"],
    ] as const) {
      const e = await openKeystore(file, phrase).then(() => undefined, (x: unknown) => x);
      expect(e, what).to.be.instanceOf(KeystoreError);
    }
    for (const bad of ["nope", "{}", JSON.stringify({ ...sealed, kdf: { ...sealed.kdf, N: 1000 } }), JSON.stringify({ ...sealed, cipher: { name: "aes" } })]) {
      expect(() => parseKeystore(bad), bad.slice(0, 40)).to.throw(KeystoreError);
    }
  });

  it("proofbook keys new, show, show --secret and import, as separate processes; refusals are one line", async () => {
    const file = join(dir, "trader.json");
    const env = { PROOFBOOK_PASSPHRASE: "a long passphrase" };
    const made = await runProofbook("keys", ["new", "--keystore", file, "--json"], env);
    expect(made.code, made.stderr).to.equal(0);
    const view = JSON.parse(made.stdout) as { l1Address: string; l2PublicKey: { ax: string } };
    expect(view.l1Address).to.match(/^0x[0-9a-fA-F]{40}$/);
    expect((await stat(file)).mode & 0o777, "only its owner reads it").to.equal(0o600);
    expect(made.stdout).to.not.match(/privateKey/i);

    const shown = await runProofbook("keys", ["show", "--keystore", file], {});
    expect(shown.code, shown.stderr).to.equal(0);
    expect(shown.stdout).to.include(view.l1Address).and.include(view.l2PublicKey.ax);
    const secret = await runProofbook("keys", ["show", "--keystore", file, "--secret", "--json"], env);
    expect(secret.code, secret.stderr).to.equal(0);
    const { l1PrivateKey, l2PrivateKey } = JSON.parse(secret.stdout) as { l1PrivateKey: `0x${string}`; l2PrivateKey: string };
    expect(privateKeyToAccount(l1PrivateKey).address).to.equal(view.l1Address);

    const wrong = await runProofbook("keys", ["show", "--keystore", file, "--secret"], { PROOFBOOK_PASSPHRASE: "not it" });
    expect(wrong.code).to.equal(1);
    expect(wrong.stderr.trim().split("\n")).to.deep.equal(["error: the keystore does not open: wrong passphrase, or the file was changed"]);
    const again = await runProofbook("keys", ["new", "--keystore", file], env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/exists: it may hold keys with funds/);
    expect(JSON.parse(await readFile(file, "utf8")).l1Address, "kept").to.equal(view.l1Address);
    const noPhrase = await runProofbook("keys", ["new", "--keystore", join(dir, "x.json")], { PROOFBOOK_PASSPHRASE: undefined });
    expect(noPhrase.code).to.equal(2);
    expect(noPhrase.stderr).to.match(/^error: PROOFBOOK_PASSPHRASE: must be set where no terminal can prompt/);
    expect((await runProofbook("keys", ["rotate"], env)).code).to.equal(2);
    await writeFile(join(dir, "junk.json"), "{}");
    const junk = await runProofbook("keys", ["show", "--keystore", join(dir, "junk.json")], env);
    expect(junk.code).to.equal(1);
    expect(junk.stderr).to.match(/^error: not a proofbook keystore/);

    const imported = join(dir, "imported.json");
    const importEnv = { ...env, PROOFBOOK_L1_PRIVATE_KEY: l1PrivateKey, PROOFBOOK_L2_PRIVATE_KEY: l2PrivateKey };
    const r = await runProofbook("keys", ["import", "--keystore", imported, "--json"], importEnv);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.include({ l1Address: view.l1Address, l2PublicKey: view.l2PublicKey });
    const badImport = await runProofbook("keys", ["import", "--keystore", join(dir, "y.json")], { ...env, PROOFBOOK_L2_PRIVATE_KEY: "12" });
    expect(badImport.code).to.equal(2);
  });
});
