import { readR1cs, type R1csHeader } from "r1csfile";

/**
 * The counts in an r1cs file's header (constraints, signals, public inputs), without reading its
 * constraints: about 0.2 s for the demo circuit where snarkjs' `r1cs.info` parses all of them in
 * over a second, on every start of the node. The curve it builds is single-threaded, so it starts
 * no worker threads that keep the process alive and is not cached for snarkjs to reuse.
 */
export async function r1csHeader(file: string): Promise<R1csHeader> {
  const header = await readR1cs(file, { loadConstraints: false, loadMap: false, loadCustomGates: false, singleThread: true });
  await header.curve.terminate();
  return header;
}
