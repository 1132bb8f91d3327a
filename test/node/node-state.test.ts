import { expect } from "chai";
import { NodeState, type NodeStateView } from "../../src/node/node-state.js";

describe("node state machine (src/node/node-state.ts): when the node takes orders and why not", () => {
  const changes = (state: NodeState) => {
    const seen: [NodeStateView, NodeStateView][] = [];
    state.on("change", (next, previous) => seen.push([next, previous]));
    return seen;
  };

  it("running takes work and settles; an L1 outage degrades it (once, however many polls fail) and its end runs it again", () => {
    const s = new NodeState(1);
    const seen = changes(s);
    expect(s.refusal(1_000, 1)).to.equal(undefined);
    expect(s.settles).to.equal(true);
    s.l1Unreachable("connect ECONNREFUSED", 2);
    s.l1Unreachable("connect ECONNREFUSED", 3);
    expect(s.current()).to.deep.equal({ state: "degraded", since: 2, message: "L1 unreachable: connect ECONNREFUSED" });
    expect(s.settles, "landing waits, proofs go on").to.equal(true);
    s.l1Reachable(4);
    s.l1Reachable(5);
    expect(s.current()).to.deep.equal({ state: "running", since: 4 });
    expect(seen.map(([n, p]) => `${p.state}->${n.state}`)).to.deep.equal(["running->degraded", "degraded->running"]);
  });

  it("degraded takes work below the backlog of batches waiting to land, and refuses at it with the reason", () => {
    const s = new NodeState();
    s.l1Unreachable("timeout");
    expect(s.refusal(2, 3)).to.equal(undefined);
    const refused = s.refusal(3, 3)!;
    expect(refused.state).to.equal("degraded");
    expect(refused.message).to.match(/^L1 unreachable: timeout; 3 batches wait to land \(the backlog limit is 3\)/);
  });

  it("a halt is final: intake refuses with its reason, nothing settles, the first cause stays, L1 coming and going changes nothing", () => {
    const s = new NodeState();
    s.l1Unreachable("down");
    s.halt("settlement", "batch 3 failed");
    const seen = changes(s);
    s.halt("journal", "disk full");
    s.l1Reachable();
    s.l1Unreachable("down again");
    expect(seen).to.have.length(0);
    expect(s.current()).to.include({ state: "halted", reason: "settlement", message: "batch 3 failed" });
    expect(s.settles).to.equal(false);
    expect(s.refusal(0, 100)).to.deep.equal({ state: "halted", message: "batch 3 failed" });
  });

  it("exit mode is final and overrides every other state, a halt included; it refuses work and settles nothing", () => {
    for (const before of [(s: NodeState) => s, (s: NodeState) => s.l1Unreachable("x"), (s: NodeState) => s.halt("reorg", "deep reorg")]) {
      const s = new NodeState();
      before(s);
      s.exitMode("the rollup is in exit mode");
      s.halt("rollup-gone", "no code");
      s.l1Reachable();
      expect(s.name).to.equal("exit-mode");
      expect(s.current().reason).to.equal(undefined);
      expect(s.settles).to.equal(false);
      expect(s.refusal(0, 100)).to.deep.equal({ state: "exit-mode", message: "the rollup is in exit mode" });
    }
  });
});
