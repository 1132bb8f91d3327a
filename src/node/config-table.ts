import { z } from "zod";
import { CONFIG_ENV, nodeConfigSchema } from "./node-config.js";

interface JsonSchemaNode {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchemaNode>;
}

/** The setting each PROOFBOOK_* variable sets, found by letting each setter write into an empty configuration. */
function variablesBySetting(): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, set] of Object.entries(CONFIG_ENV)) {
    const c: Record<string, unknown> = {};
    set(c, "x");
    let path: string[] = [];
    for (let node: unknown = c; node !== null && typeof node === "object"; ) {
      const [key, value] = Object.entries(node as Record<string, unknown>)[0]!;
      path = [...path, key];
      node = value;
    }
    out.set(path.join("."), name);
  }
  return out;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/**
 * The node's settings as a Markdown table (setting, default, variable, meaning), generated from
 * nodeConfigSchema's `describe` texts and defaults: the README's table is this text
 * (test/node/node-config.test.ts keeps them equal; `npx proofbook node --settings` prints it).
 */
export function configTable(): string {
  const schema = z.toJSONSchema(nodeConfigSchema, { io: "input", unrepresentable: "any" }) as JsonSchemaNode;
  const variables = variablesBySetting();
  const rows: string[] = ["| setting | default | variable | what it does |", "|---|---|---|---|"];
  const walk = (node: JsonSchemaNode, path: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      const at = [...path, key];
      if (child.type === "object" && child.properties) {
        walk(child, at);
        continue;
      }
      const setting = at.join(".");
      const fallback = child.default === undefined ? "—" : `\`${JSON.stringify(child.default)}\``;
      const choices = child.enum ? ` One of ${child.enum.map((v) => `\`${String(v)}\``).join(", ")}.` : "";
      const variable = variables.get(setting);
      rows.push(`| \`${setting}\` | ${fallback} | ${variable ? `\`${variable}\`` : ""} | ${cell((child.description ?? "") + choices)} |`);
    }
  };
  walk(schema, []);
  return rows.join("\n");
}
