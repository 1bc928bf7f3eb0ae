/** Starts `pygen emulator` with the CogniteCore snapshot loaded, as a child process. */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface EmulatorInfo {
  baseUrl: string;
  token: string;
}

const HERE = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The snapshot the wheel and `npm run build` generate from; the emulator serves its views. */
export const SNAPSHOT = resolve(HERE, "../snapshots/cdf_cdm.CogniteCore.v1.json");

/** The Python with pygen: $PYGEN_PYTHON, else the repository's .venv, else python3 (as scripts/generate.mjs). */
export function python(): string {
  const venv = resolve(HERE, "../../.venv/bin/python");
  return process.env["PYGEN_PYTHON"] || (existsSync(venv) ? venv : "python3");
}

export async function startEmulator(): Promise<EmulatorInfo & { stop(): Promise<void> }> {
  const token = `example-${randomBytes(12).toString("hex")}`;
  const args = ["-m", "pygen", "emulator", "--port", "0", "--token", token, "--model-file", SNAPSHOT];
  const child = spawn(python(), args, { cwd: HERE, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    let stdout = "";
    const timer = setTimeout(() => fail("no first line within 60 s"), 60_000);
    function fail(why: string): void {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`pygen emulator did not start (${why}): ${python()} ${args.join(" ")}\n${stderr}`));
    }
    child.on("error", (error) => fail(error.message));
    child.on("exit", (code) => fail(`exited with ${String(code)}`));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n")[0];
      if (!stdout.includes("\n") || line === undefined) return;
      const match = /^pygen emulator listening on (http:\/\/\S+)$/.exec(line.trim());
      if (match?.[1] === undefined) return fail(`unexpected first line ${JSON.stringify(line)}`);
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout.resume();
      resolveUrl(match[1]);
    });
  });
  return {
    baseUrl,
    token,
    async stop(): Promise<void> {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((done) => child.once("exit", () => done()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
