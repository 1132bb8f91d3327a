import { expect } from "chai";
import { createHash } from "node:crypto";
import { cp, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { buildCircuit, type CircuitArtifacts, compileCircuit } from "../../src/prover/artifacts.js";
import { checkManifest, MANIFEST, writeManifest } from "../../src/prover/artifact-manifest.js";
import { testArtifacts } from "../helpers/artifacts.js";

const sha = async (f: string) => createHash("sha256").update(await readFile(f)).digest("hex");

/** A cached artifact that is damaged is found by its hash on load and rebuilt, never used. */
describe("prover: the artifact cache is checked by hash on load", function () {
  let original: CircuitArtifacts;
  let cache: string;
  /** The test circuit's artifacts in a fresh copy of its cache entry, rebuilt from there, with the progress lines. */
  const rebuild = async () => {
    const messages: string[] = [];
    const a = await buildCircuit(original.config, { cacheDir: cache, progress: (m) => messages.push(m) });
    return { a, messages };
  };
  /** `file` of the original artifacts, in the copy. */
  const copied = (file: string) => join(cache, "circuits", basename(original.dir), relative(original.dir, file));

  before(async () => {
    original = await testArtifacts();
  });
  beforeEach(async () => {
    cache = await mkdtemp(join(tmpdir(), "proofbook-cache-"));
    await cp(original.dir, join(cache, "circuits", basename(original.dir)), { recursive: true });
  });
  afterEach(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  it("an intact copy is used as it is", async () => {
    const { a, messages } = await rebuild();
    expect(messages).to.deep.equal([]);
    expect(await sha(a.zkey)).to.equal(await sha(original.zkey));
  });

  it("a truncated zkey is rejected and the setup runs again, to the same key", async () => {
    await truncate(copied(original.zkey), 1000);
    const { a, messages } = await rebuild();
    expect(messages.join("\n")).to.match(/cached setup of batch_test rejected: .*\.zkey does not match its sha256/);
    expect(await sha(a.zkey)).to.equal(await sha(original.zkey));
    expect((await rebuild()).messages, "repaired for good").to.deep.equal([]);
  });

  it("a damaged wasm is rejected and the circuit compiled again, to the same files", async () => {
    const wasm = copied(original.wasm);
    const bytes = await readFile(wasm);
    bytes[bytes.length >> 1]! ^= 0xff;
    await writeFile(wasm, bytes);
    const messages: string[] = [];
    const dir = await compileCircuit(original.config, (m) => messages.push(m), cache);
    expect(messages.join("\n")).to.match(/cached batch_test rejected: .*\.wasm does not match its sha256.*compiling it again/);
    expect(await sha(join(dir, relative(original.dir, original.wasm)))).to.equal(await sha(original.wasm));
    expect(await sha(join(dir, relative(original.dir, original.r1cs)))).to.equal(await sha(original.r1cs));
  });
});

describe("prover: checkManifest names what is wrong with a cache folder", function () {
  let dir: string;
  let files: string[];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "proofbook-manifest-"));
    files = [join(dir, "a.zkey"), join(dir, "sub", "b.wasm")];
    await mkdir(join(dir, "sub"));
    for (const f of files) await writeFile(f, `contents of ${basename(f)}`);
    await writeManifest(dir, files);
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts the files it recorded", async () => {
    expect(await checkManifest(dir, files)).to.equal(undefined);
  });
  it("an edited file (same size, one byte changed)", async () => {
    await writeFile(files[1]!, "contents of b.wasn");
    expect(await checkManifest(dir, files)).to.match(/b\.wasm does not match its sha256/);
  });
  it("a missing file", async () => {
    await rm(files[0]!);
    expect(await checkManifest(dir, files)).to.match(/a\.zkey is missing/);
  });
  it("a file the manifest does not list", async () => {
    expect(await checkManifest(dir, [...files, join(dir, "c.sol")])).to.match(/does not list c\.sol/);
  });
  it("no manifest, or an unreadable one", async () => {
    await writeFile(join(dir, MANIFEST), "{");
    expect(await checkManifest(dir, files)).to.match(/unreadable/);
    await rm(join(dir, MANIFEST));
    expect(await checkManifest(dir, files)).to.match(/manifest\.json is missing/);
  });
});
