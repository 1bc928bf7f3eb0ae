/** Starts `pygen emulator` as a child process (used by global-setup.ts and the fault tests). */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface EmulatorInfo {
  baseUrl: string;
  token: string;
  clientId: string;
  clientSecret: string;
}

export interface RunningEmulator extends EmulatorInfo {
  stop(): Promise<void>;
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const STARTUP_TIMEOUT_MS = 60_000;

/** Starts the emulator with fresh credentials (plus `extraArgs`) and waits for its first line. */
export async function startEmulator(extraArgs: readonly string[] = []): Promise<RunningEmulator> {
  const python = process.env["PYGEN_PYTHON"] || resolve(REPO, ".venv/bin/python");
  const info = {
    token: `ts-${randomBytes(12).toString("hex")}`,
    clientId: "ts-runtime-tests",
    clientSecret: randomBytes(16).toString("hex"),
  };
  const args = [
    "-m",
    "pygen",
    "emulator",
    "--port",
    "0",
    "--token",
    info.token,
    "--client-id",
    info.clientId,
    "--client-secret",
    info.clientSecret,
    ...extraArgs,
  ];
  const child = spawn(python, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  const baseUrl = await firstLine(child, `${python} ${args.join(" ")}`);
  return {
    baseUrl,
    ...info,
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

function firstLine(child: ChildProcess, command: string): Promise<string> {
  return new Promise((resolveUrl, reject) => {
    let stdout = "";
    let stderr = "";
    const fail = (why: string): void => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`pygen emulator did not start (${why}).\ncommand: ${command}\nstdout: ${stdout}\nstderr: ${stderr}`));
    };
    const timer = setTimeout(() => fail(`no first line within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    const onStderr = (chunk: Buffer): void => {
      stderr += chunk.toString();
    };
    const onExit = (code: number | null, signal: string | null): void => fail(`exited with ${code ?? signal}`);
    child.stderr?.on("data", onStderr);
    child.on("error", (error) => fail(`spawn failed: ${error.message}`));
    child.on("exit", onExit);
    child.stdout?.on("data", function onData(chunk: Buffer) {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const match = /^pygen emulator listening on (http:\/\/\S+)$/.exec(stdout.slice(0, newline).trim());
      if (match === null || match[1] === undefined) return fail("unexpected first line");
      clearTimeout(timer);
      child.off("exit", onExit);
      child.stdout?.off("data", onData);
      child.stderr?.off("data", onStderr);
      // Keep draining the pipes so the emulator never blocks on a full buffer.
      child.stdout?.resume();
      child.stderr?.resume();
      resolveUrl(match[1]);
    });
  });
}
