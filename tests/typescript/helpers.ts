/** Shared test helpers: a scriptable fake `fetch`, a recording `sleep`, the target of the run, and its schema setup. */
import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { HttpClient, Token, type ClientOptions, type Credentials, type FetchInit, type FetchLike, type ResponseLike } from "../../pygen/ts_runtime/index.js";
import { startEmulator } from "./emulator.js";
import { modelFile } from "./sdks.js";
import { credentialsOf, type TargetInfo } from "./target.js";

export interface Call {
  url: string;
  init: FetchInit;
  body: unknown;
}

type Handler = (call: Call, index: number) => ResponseLike | Promise<ResponseLike>;

/** A fake fetch: answers with `handler` and records every call. */
export function fakeFetch(handler: Handler): FetchLike & { calls: Call[] } {
  const calls: Call[] = [];
  const fn = async (url: string, init: FetchInit): Promise<ResponseLike> => {
    const call: Call = { url, init, body: init.body === undefined ? undefined : tryJson(init.body) };
    calls.push(call);
    return handler(call, calls.length - 1);
  };
  return Object.assign(fn, { calls });
}

/** A fake fetch answering the listed responses (or throwing the listed errors) in order. */
export function scripted(...answers: (ResponseLike | Error)[]): FetchLike & { calls: Call[] } {
  return fakeFetch((_call, index) => {
    const answer = answers[Math.min(index, answers.length - 1)];
    if (answer === undefined) throw new Error("no answers scripted");
    if (answer instanceof Error) throw answer;
    // A body can be read once: answer a copy, so the last answer can repeat.
    return answer instanceof Response ? answer.clone() : answer;
  });
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A JSON response. */
export function json(status: number, body: unknown = {}, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

/** A CDF error response. */
export function cdfError(status: number, message = `error ${status}`, headers: Record<string, string> = {}): Response {
  return json(status, { error: { code: status, message } }, headers);
}

/** A sleep that records the waits and returns at once. */
export function recordingSleep(): ((ms: number) => Promise<void>) & { waits: number[] } {
  const waits: number[] = [];
  return Object.assign(
    (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    },
    { waits },
  );
}

/** An HttpClient on a fake fetch, with instant sleeps and a fixed jitter. */
export function testClient(fetch: FetchLike, overrides: Partial<ClientOptions> = {}): HttpClient {
  return new HttpClient({
    project: "p",
    baseUrl: "https://example.test",
    credentials: new Token("t"),
    fetch,
    sleep: recordingSleep(),
    random: () => 0.5,
    ...overrides,
  });
}

/** A promise with its resolve function exposed. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

// ------------------------------------------------------------------------------------------ the target

/** What the end-to-end tests talk to: the emulator, or a CDF project (global-setup.ts, target.ts). */
export function target(): TargetInfo {
  return inject("target");
}

/** Whether the run talks to a CDF target: emulator-only checks (faults, emulator wording) are skipped then. */
export function onCdf(): boolean {
  return inject("target").kind === "cdf";
}

/** The space a space of the model snapshots lives in on the target (`cdf_cdm` on the emulator). */
export function modelSpace(space: string): string {
  return inject("target").spaces[space] ?? space;
}

/** An HttpClient on the target of the run (global-setup.ts). */
export function targetHttp(overrides: Partial<ClientOptions> = {}): HttpClient {
  const info = target();
  return new HttpClient({ project: info.project, baseUrl: info.baseUrl, credentials: credentialsOf(info), ...overrides });
}

/** A fresh space name of this run (`<run>_<prefix>_<hex>`): the teardown of a target run deletes it. */
export function freshSpace(prefix = "ts"): string {
  return `${inject("target").run}_${prefix}_${randomBytes(6).toString("hex")}`;
}

/**
 * `check()`'s result; on a CDF target `check` is repeated (for up to a minute) until it passes: search and
 * aggregates see a write only after a moment there. On the emulator it runs once.
 */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  if (!onCdf()) return check();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((done) => setTimeout(done, 1_000));
    }
  }
}

/** A service holding models (snapshots of tests/data/models) and how to reach it. */
export interface ModelService {
  baseUrl: string;
  project: string;
  credentials: Credentials;
  stop(): Promise<void>;
}

/**
 * On the emulator: a `pygen emulator` of the calling file with the models loaded (stop it in `afterAll`). On a
 * CDF target: the target, where the global setup deployed the models into the run's spaces (stop does nothing).
 */
export async function modelService(...models: string[]): Promise<ModelService> {
  const info = target();
  if (info.kind === "cdf") return { baseUrl: info.baseUrl, project: info.project, credentials: credentialsOf(info), stop: () => Promise.resolve() };
  const emulator = await startEmulator(models.flatMap((model) => ["--model-file", modelFile(model)]));
  return { baseUrl: emulator.baseUrl, project: "gq", credentials: new Token(emulator.token), stop: () => emulator.stop() };
}

/** The views of the test schema in `space`. */
export function testViews(space: string): {
  pump: { space: string; externalId: string; version: string };
  flow: { space: string; externalId: string; version: string };
} {
  return {
    pump: { space, externalId: "Pump", version: "v1" },
    flow: { space, externalId: "Flow", version: "v1" },
  };
}

/** Creates a space with a Pump node view and a Flow edge view (and their containers). */
export async function createTestSchema(http: HttpClient, space: string): Promise<ReturnType<typeof testViews>> {
  await http.post("/models/spaces", { items: [{ space }] });
  const pumpContainer = { type: "container", space, externalId: "Pump" };
  const flowContainer = { type: "container", space, externalId: "Flow" };
  await http.post("/models/containers", {
    items: [
      {
        space,
        externalId: "Pump",
        usedFor: "node",
        properties: {
          name: { type: { type: "text" } },
          description: { type: { type: "text" } },
          pressure: { type: { type: "float64", unit: { externalId: "pressure:bar", sourceUnit: "bar" } } },
          serial: { type: { type: "int64" } },
          running: { type: { type: "boolean" } },
          tags: { type: { type: "text", list: true } },
          site: { type: { type: "direct" } },
          installed: { type: { type: "date" } },
          lastSeen: { type: { type: "timestamp" } },
          status: { type: { type: "enum", values: { running: {}, stopped: {} } } },
          meta: { type: { type: "json" } },
        },
        // Paging with a cursor through a sort on name needs a cursorable index (CDF, and the emulator).
        indexes: { nameIdx: { indexType: "btree", properties: ["name"], cursorable: true } },
      },
      {
        space,
        externalId: "Flow",
        usedFor: "edge",
        properties: { rate: { type: { type: "float64" } }, label: { type: { type: "text" } } },
      },
    ],
  });
  const mapped = (container: object, names: string[]): Record<string, object> =>
    Object.fromEntries(names.map((n) => [n, { container, containerPropertyIdentifier: n }]));
  await http.post("/models/views", {
    items: [
      {
        space,
        externalId: "Pump",
        version: "v1",
        properties: mapped(pumpContainer, ["name", "description", "pressure", "serial", "running", "tags", "site", "installed", "lastSeen", "status", "meta"]),
      },
      { space, externalId: "Flow", version: "v1", properties: mapped(flowContainer, ["rate", "label"]) },
    ],
  });
  return testViews(space);
}
