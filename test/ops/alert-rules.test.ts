import { expect } from "chai";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { NodeMetrics } from "../../src/node/node-metrics.js";
import { ROOT } from "../../src/prover/artifacts.js";

/** PromQL's words that are not metric names: operators, aggregations, functions and modifiers the rules use. */
const PROMQL = new Set(["and", "or", "unless", "on", "ignoring", "by", "without", "group_left", "group_right", "sum", "max", "min", "avg", "count", "rate", "irate", "increase", "delta", "absent", "absent_over_time", "max_over_time", "min_over_time", "avg_over_time", "histogram_quantile", "changes", "resets", "time", "bool", "offset"]);

interface Rule {
  alert?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

describe("ops: the Prometheus alert rules (ops/prometheus/proofbook-alerts.yml)", () => {
  it("parse, each rule is complete, and every name an expression uses is a metric the node exports (or PromQL)", async () => {
    const doc = parse(await readFile(join(ROOT, "ops", "prometheus", "proofbook-alerts.yml"), "utf8")) as { groups: { name: string; rules: Rule[] }[] };
    const registry = new NodeMetrics().registry;
    const exported = new Set<string>();
    for (const m of await registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === "histogram") for (const suffix of ["_bucket", "_sum", "_count"]) exported.add(m.name + suffix);
    }
    expect(doc.groups).to.be.an("array").with.length.greaterThan(0);
    const names = new Set<string>();
    let rules = 0;
    for (const group of doc.groups) {
      expect(group.name).to.be.a("string");
      for (const rule of group.rules) {
        rules++;
        expect(rule.alert, JSON.stringify(rule)).to.match(/^Proofbook[A-Z][A-Za-z0-9]*$/);
        expect(names.has(rule.alert!), `${rule.alert} twice`).to.equal(false);
        names.add(rule.alert!);
        expect(rule.expr, rule.alert).to.be.a("string");
        if (rule.for !== undefined) expect(rule.for, rule.alert).to.match(/^\d+[smh]$/);
        expect(rule.labels?.severity, rule.alert).to.be.oneOf(["warning", "critical"]);
        expect(rule.annotations?.summary, rule.alert).to.be.a("string");
        expect(rule.annotations?.description, rule.alert).to.be.a("string");
        // Label matchers, ranges, strings and numbers out: what is left are metric names and PromQL.
        const expr = rule.expr as string;
        expect(expr.split("(").length, `${rule.alert}: parentheses`).to.equal(expr.split(")").length);
        const words = expr
          .replace(/\{[^}]*\}/g, " ")
          .replace(/\[[^\]]*\]/g, " ")
          .replace(/"[^"]*"/g, " ")
          .match(/[A-Za-z_:][A-Za-z0-9_:]*/g)!;
        for (const word of words) expect(PROMQL.has(word) || exported.has(word), `${rule.alert}: ${word} is neither a metric of the node nor PromQL`).to.equal(true);
        expect(words.some((w) => exported.has(w)), `${rule.alert} names no metric`).to.equal(true);
      }
    }
    expect(rules).to.be.greaterThanOrEqual(8);
    // The conditions the node's states and settlement put a human on.
    for (const alert of ["ProofbookNodeHalted", "ProofbookExitMode", "ProofbookL1Unreachable", "ProofbookNotLanding", "ProofbookProverRefused"]) expect(names.has(alert), alert).to.equal(true);
  });
});
