/** The runtime against an emulator that injects 429s (with Retry-After), 503s and dropped connections (emulator-only). */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient, InstanceClient, NodeApi, Token } from "../../pygen/ts_runtime/index.js";
import { startEmulator, type RunningEmulator } from "./emulator.js";
import { createTestSchema, freshSpace, onCdf } from "./helpers.js";

// Emulator-only (fault injection): skipped when the run talks to a CDF target.
describe.skipIf(onCdf())("faults", () => {
  let emulator: RunningEmulator;

  beforeAll(async () => {
    // Its own process: faults are global to an emulator, and the other tests share theirs.
    emulator = await startEmulator(["--fault-429", "0.25", "--fault-503", "0.15", "--fault-drop", "0.1", "--fault-seed", "7"]);
  });
  afterAll(async () => {
    await emulator?.stop();
  });

  it("writes and reads everything through throttling, server errors and dropped connections", async () => {
    let waits = 0;
    const http = new HttpClient({
      project: "p",
      baseUrl: emulator.baseUrl,
      credentials: new Token(emulator.token),
      // The emulator asks for Retry-After: 1 s; cap the waits so the test stays fast.
      retry: { maxRetries: 30, backoffBaseMs: 1, backoffMaxMs: 10, retryAfterMaxMs: 10 },
      sleep: (ms) => {
        waits++;
        return new Promise((r) => setTimeout(r, ms));
      },
    });
    const space = freshSpace("faults");
    const views = await createTestSchema(http, space);
    const pumps = new NodeApi<{ name?: string }>(new InstanceClient(http, { instanceSpace: space }), views.pump);
    const result = await pumps.upsert(Array.from({ length: 2500 }, (_, i) => ({ externalId: `p${i}`, properties: { name: `P-${i}` } })));
    expect(result.items).toHaveLength(2500);
    const all = await pumps.list({ limit: "all", pageSize: 250 });
    expect(new Set(all.map((p) => p.externalId)).size).toBe(2500);
    expect(waits).toBeGreaterThan(0);
  });
});
