/**
 * Starts `pygen emulator` once for the run and provides its URL and credentials to the tests
 * (`inject("emulator")`), and generates the SDKs of the graph query tests when they are missing
 * (sdks.ts). If either fails, the setup throws and the run fails: end-to-end tests are never skipped.
 */
import type { TestProject } from "vitest/node";
import { startEmulator, type EmulatorInfo } from "./emulator.js";
import { ensureSdks } from "./sdks.js";

declare module "vitest" {
  export interface ProvidedContext {
    emulator: EmulatorInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  ensureSdks();
  const emulator = await startEmulator();
  const { stop, ...info } = emulator;
  project.provide("emulator", info);
  return stop;
}
