/**
 * Provides the tests' target (`inject("target")`, see target.ts and helpers.ts). If any step fails, the setup
 * throws and the run fails: end-to-end tests are never skipped for want of a service.
 *
 * - By default: starts `pygen emulator` once for the run, and generates the SDKs of the graph query tests when
 *   they are missing (sdks.ts); the graph query files start their own emulators with the models loaded.
 * - With the `PYGEN_TEST_CDF_*` variables: talks to that CDF project instead. Everything lives in spaces of
 *   the run (random prefix `run`): the CogniteCore and Omni snapshots are rewritten into them, generated again
 *   (vitest.config.ts points the tests' SDK imports at these copies) and deployed (spaces, containers, views,
 *   data model); the teardown deletes every space of the run, with all the tests wrote into them.
 */
import { rmSync } from "node:fs";
import type { TestProject } from "vitest/node";
import { startEmulator } from "./emulator.js";
import { ensureSdks, generateSdks, runSdkFolder } from "./sdks.js";
import { cdfTarget, deleteRunSpaces, deployModel, newRun, targetClient, type TargetInfo } from "./target.js";

declare module "vitest" {
  export interface ProvidedContext {
    target: TargetInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cdf = cdfTarget();
  if (cdf === undefined) {
    ensureSdks();
    const { stop, baseUrl, token, clientId, clientSecret } = await startEmulator();
    const oauth = { clientId, clientSecret, tokenUrl: `${baseUrl}/oauth2/token` };
    project.provide("target", { kind: "emulator", baseUrl, project: "ts-tests", token, oauth, run: newRun(), spaces: {} });
    return stop;
  }

  // vitest.config.ts chose the run (and the folder the SDK imports resolve to).
  const run = process.env["PYGEN_TEST_TS_RUN"] ?? newRun();
  const info: TargetInfo = { kind: "cdf", ...cdf, run, spaces: {} };
  const http = targetClient(info);
  await http.get("/models/spaces", { params: { limit: 1 } }); // a wrong URL or credentials fail here, before anything is created
  const folder = runSdkFolder(run);
  const teardown = async (): Promise<void> => {
    try {
      await deleteRunSpaces(http, run);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  };
  try {
    const { models, spaces } = await generateSdks(folder, (space) => `${run}_${space}`);
    for (const model of Object.values(models)) await deployModel(http, model);
    project.provide("target", { ...info, spaces });
  } catch (error) {
    await teardown();
    throw error;
  }
  return teardown;
}
