// Starts `groupme fake` for a test and reads the JSON line it prints.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The JSON line `groupme fake` prints when it is ready. */
export interface FakeInfo {
  api_base_url: string;
  image_base_url: string;
  users: { id: string; name: string; email: string; token: string }[];
  group_ids: string[];
  big_group_id: string;
  former_group_id?: string;
  direct_conversations: { conversation_id: string; user_ids: string[] }[];
  bot_ids: string[];
}

export interface RunningFake {
  info: FakeInfo;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Builds cmd/groupme into a temporary folder (or uses $GROUPME_BIN). */
export function buildGroupme(): string {
  const given = process.env["GROUPME_BIN"];
  if (given) return given;
  const bin = path.join(mkdtempSync(path.join(tmpdir(), "groupme-ts-")), "groupme");
  execFileSync("go", ["build", "-o", bin, "./cmd/groupme"], { cwd: repoRoot, stdio: "inherit" });
  return bin;
}

/** Starts `groupme fake args...` and waits (at most 60 s) for its JSON line. */
export async function startFake(bin: string, args: string[]): Promise<RunningFake> {
  const child: ChildProcess = spawn(bin, ["fake", ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (s: string) => {
    log += s;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("groupme fake printed nothing in 60 s:\n" + log)), 60_000);
    lines.once("line", (line) => {
      clearTimeout(timer);
      resolve(line);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`groupme fake exited (${code}) before it was ready:\n${log}`));
    });
  });
  return {
    info: JSON.parse(first) as FakeInfo,
    stderr: () => log,
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
