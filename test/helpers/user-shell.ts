import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { PACKAGE_ROOT } from "../../src/package-root.js";

/** The machine's PATH as a user's shell has it: without the node_modules/.bin entries npm adds for its scripts. */
export const userPath = (process.env.PATH ?? "")
  .split(delimiter)
  .filter((dir) => !dir.includes("node_modules"))
  .join(delimiter);

/** `file args` (or, with file "sh", a script) as a user's shell runs it: the machine's PATH; exit code and output. */
export async function runAsUser(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(file, [...args], { cwd: options.cwd ?? PACKAGE_ROOT, env: { ...process.env, ...options.env, PATH: userPath }, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const { code, stdout, stderr } = e as { code: number; stdout: string; stderr: string };
    return { code: typeof code === "number" ? code : 1, stdout: stdout ?? "", stderr: stderr ?? String(e) };
  }
}

/** A fenced block of the README, tagged `<!-- block NAME, run by FILE -->` on the line before its fence. */
export interface ReadmeBlock {
  name: string;
  runBy: string;
  language: string;
  /** The block's text, as a user copies it. */
  text: string;
  /** Its lines, a line ending in a backslash joined with the next. */
  lines: string[];
}

/** Every tagged block of README.md, and the fences without a tag (`untagged`, by line number). */
export function readmeBlocks(): { blocks: ReadmeBlock[]; untagged: number[] } {
  const lines = readFileSync(join(PACKAGE_ROOT, "README.md"), "utf8").split("\n");
  const blocks: ReadmeBlock[] = [];
  const untagged: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\w*)$/.exec(lines[i]!);
    if (!fence || fence[1] === "") continue;
    const end = lines.indexOf("```", i + 1);
    const tag = /^<!-- block ([\w-]+), run by (\S+) -->$/.exec(lines[i - 1] ?? "");
    if (!tag) untagged.push(i + 1);
    else {
      const body = lines.slice(i + 1, end);
      blocks.push({ name: tag[1]!, runBy: tag[2]!, language: fence[1]!, text: body.join("\n") + "\n", lines: body.join("\n").replace(/\\\n\s*/g, "").split("\n") });
    }
    i = end;
  }
  return { blocks, untagged };
}

/** The README block `name` (throws when there is none). */
export function readmeBlock(name: string): ReadmeBlock {
  const block = readmeBlocks().blocks.find((b) => b.name === name);
  if (!block) throw new Error(`README.md has no block ${name}`);
  return block;
}
