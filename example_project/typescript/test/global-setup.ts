/** One `pygen emulator` for the whole run (CogniteCore loaded); tests get its URL and token via `inject`. */
import type { TestProject } from "vitest/node";
import { startEmulator, type EmulatorInfo } from "./emulator.js";

declare module "vitest" {
  export interface ProvidedContext {
    emulator: EmulatorInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const { stop, ...info } = await startEmulator();
  project.provide("emulator", info);
  return stop;
}
