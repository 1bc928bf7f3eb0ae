/**
 * Starts `pygen emulator` once for the run and provides its URL and credentials to the tests
 * (`inject("emulator")`). If it cannot start, the setup throws and the run fails: end-to-end tests are
 * never skipped.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

export interface EmulatorInfo {
  baseUrl: string;
  token: string;
  clientId: string;
  clientSecret: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    emulator: EmulatorInfo;
  }
}

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const STARTUP_TIMEOUT_MS = 60_000;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const python = process.env["PYGEN_PYTHON"] || resolve(REPO, ".venv/bin/python");
  const info = {
    token: `ts-${randomBytes(12).toString("hex")}`,
    clientId: "ts-runtime-tests",
    clientSecret: randomBytes(16).toString("hex"),
  };
  const args = ["-m", "pygen", "emulator", "--port", "0", "--token", info.token, "--client-id", info.clientId, "--client-secret", info.clientSecret];
  const child = spawn(python, args, { cwd: REPO, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PYTHONUNBUFFERED: "1" } });
  const baseUrl = await firstLine(child, `${python} ${args.join(" ")}`);
  project.provide("emulator", { baseUrl, ...info });
  return async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((done) => child.once("exit", () => done()));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
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
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on("error", (error) => fail(`spawn failed: ${error.message}`));
    child.on("exit", (code, signal) => fail(`exited with ${code ?? signal}`));
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      const match = /^pygen emulator listening on (http:\/\/\S+)$/.exec(stdout.slice(0, newline).trim());
      if (match === null || match[1] === undefined) return fail("unexpected first line");
      clearTimeout(timer);
      child.removeAllListeners("exit");
      // Keep draining the pipes so the emulator never blocks on a full buffer.
      child.stdout?.removeAllListeners("data");
      child.stdout?.resume();
      resolveUrl(match[1]);
    });
  });
}
