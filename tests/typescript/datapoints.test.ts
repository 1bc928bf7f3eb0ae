/**
 * Datapoints through the runtime's `DatapointsApi` (`client.datapoints`) and the generated CogniteCore SDK's view
 * helpers (`client.cogniteTimeSeries.datapoints(...)`), against `pygen emulator` with the CogniteCore model (or the
 * CDF target of the run: helpers.ts `modelService`): 200,000 datapoints inserted (two requests) and read back raw
 * (two pages) and as hourly and daily aggregates compared with values worked out here, latest, deleted ranges, a
 * string series, a classic series by `timeSeriesRef`, many series in one request, and the errors.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AggregateDatapoints,
  BadRequestError,
  CogniteCoreClient,
  DatapointsError,
  NumericDatapoints,
  StringDatapoints,
  timeSeriesRef,
  type FetchLike,
  type NodeId,
} from "./generated/cognite_core/index.js";
import { eventually, freshSpace, modelService, onCdf, type ModelService } from "./helpers.js";

let service: ModelService;
let client: CogniteCoreClient;
let space: string;
/** The path and body of every request the client sent (bodies of datapoints inserts as their item counts). */
const sent: { path: string; body: any }[] = [];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2024-01-01T00:00:00Z. */
const START = Date.UTC(2024, 0, 1);
/** The big series: one datapoint a second, a sawtooth of whole numbers (sums are exact). */
const N = 200_000;
const value = (i: number): number => (i % 1000) - 300;

beforeAll(async () => {
  service = await modelService("CogniteCore");
  space = freshSpace("dp");
  const fetch: FetchLike = (url, init) => {
    const path = new URL(url).pathname.replace(/^\/api\/v1\/projects\/[^/]+/, "");
    sent.push({ path, body: init.body === undefined ? undefined : JSON.parse(init.body) });
    return globalThis.fetch(url, init);
  };
  const options = { project: service.project, baseUrl: service.baseUrl, credentials: service.credentials, fetch };
  client = new CogniteCoreClient(options, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  await client.cogniteTimeSeries.upsert([
    { externalId: "big", properties: { name: "big", type: "numeric", isStep: false } },
    { externalId: "text", properties: { name: "text", type: "string", isStep: false } },
    ...["m1", "m2", "m3", "m4", "m5"].map((externalId) => ({
      externalId,
      properties: { name: externalId, type: "numeric" as const, isStep: false },
    })),
  ]);
  const timestamps = Float64Array.from({ length: N }, (_, i) => START + i * 1000);
  const values = Float64Array.from({ length: N }, (_, i) => value(i));
  const before = sent.length;
  expect(await client.datapoints.insert("big", { timestamps, values })).toBe(N);
  const inserts = sent.slice(before).filter((request) => request.path === "/timeseries/data");
  // CDF's limit: 100,000 datapoints a request.
  expect(inserts.map((request) => request.body.items[0].datapoints.length)).toEqual([100_000, 100_000]);
  expect(inserts[0]?.body.items[0].instanceId).toEqual({ space, externalId: "big" });
}, 60_000);

afterAll(async () => {
  await service?.stop();
});

function requestsTo(path: string, from: number): number {
  return sent.slice(from).filter((request) => request.path === path).length;
}

/** count, sum, min, max and the time-weighted average (linear between datapoints) of `[from, to)` of the big series. */
function expected(from: number, to: number): { count: number; sum: number; min: number; max: number; average: number } {
  const first = Math.max(0, Math.ceil((from - START) / 1000));
  const last = Math.min(N - 1, Math.ceil((to - START) / 1000) - 1);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let area = 0;
  for (let i = first; i <= last; i++) {
    sum += value(i);
    min = Math.min(min, value(i));
    max = Math.max(max, value(i));
    area += ((value(i) + value(i + 1)) / 2) * 1000; // the segment to the next datapoint (one second)
  }
  return { count: last - first + 1, sum, min, max, average: area / (to - from) };
}

describe("a numeric CogniteTimeSeries node", () => {
  it("reads 200,000 datapoints back raw: retrieve follows the cursor, pages hold one answer each", async () => {
    const before = sent.length;
    const dps = await client.datapoints.retrieve("big", { start: START, end: START + N * 1000 });
    expect(dps).toBeInstanceOf(NumericDatapoints);
    expect(requestsTo("/timeseries/data/list", before)).toBe(2);
    if (dps.isString) throw new Error("a numeric series");
    expect(dps.length).toBe(N);
    expect(dps.id).toEqual({ space, externalId: "big" });
    expect(dps.timestamps[0]).toBe(START);
    expect(dps.timestamps[N - 1]).toBe(START + (N - 1) * 1000);
    expect(dps.values.every((v, i) => v === value(i))).toBe(true);
    expect(dps.cursor).toBeUndefined();
    expect(dps.dates()[1]).toEqual(new Date(START + 1000));

    const pages: number[] = [];
    let cursor: string | undefined;
    const big = { space, externalId: "big" };
    for await (const page of client.datapoints.pages(big, { start: new Date(START), limit: 110_000, pageSize: 50_000 })) {
      pages.push(page.length);
      expect(page.timestamps[0]).toBe(START + (pages.length - 1) * 50_000 * 1000);
      cursor ??= page.cursor;
    }
    expect(pages).toEqual([50_000, 50_000, 10_000]);
    // A page's cursor resumes its series where the page ended.
    const resumed = await client.datapoints.pages("big", { start: START, cursor: cursor as string, limit: 3 }).next();
    const next = [0, 1, 2].map((i) => ({ timestamp: START + (50_000 + i) * 1000, value: value(50_000 + i) }));
    expect([...(resumed.value as NumericDatapoints)]).toEqual(next);
  });

  it("reads hourly and daily aggregates, as computed here", async () => {
    const end = START + 2 * DAY;
    // CDF computes aggregates a moment after an insert (the emulator at once).
    const hourly = await eventually(async () => {
      const read = await client.datapoints.retrieve("big", {
        start: START,
        end,
        aggregates: ["count", "sum", "min", "max", "average"],
        granularity: "1h",
      });
      expect(read.aggregates.count[47]).toBe(3600);
      return read;
    });
    expect(hourly).toBeInstanceOf(AggregateDatapoints);
    expect(hourly.granularity).toBe("1h");
    expect(hourly.length).toBe(48);
    for (let h = 0; h < 48; h++) {
      const want = expected(START + h * HOUR, START + (h + 1) * HOUR);
      expect(hourly.timestamps[h]).toBe(START + h * HOUR);
      expect(hourly.aggregates.count[h]).toBe(want.count);
      expect(hourly.aggregates.sum[h]).toBe(want.sum);
      expect(hourly.aggregates.min[h]).toBe(want.min);
      expect(hourly.aggregates.max[h]).toBe(want.max);
      expect(hourly.aggregates.average[h]).toBeCloseTo(want.average, 6);
    }
    const daily = await client.datapoints.retrieve("big", { start: START, end, aggregates: "count", granularity: "1d" });
    expect(Array.from(daily.aggregates.count)).toEqual([86_400, 86_400]);
    // @ts-expect-error: only the aggregates asked for are there
    expect(daily.aggregates.sum).toBeUndefined();
  });

  it("gives the latest datapoint, before a time too", async () => {
    expect(await client.datapoints.latest("big")).toEqual({ timestamp: START + (N - 1) * 1000, value: value(N - 1) });
    expect(await client.cogniteTimeSeries.latestDatapoint("big", { before: START + 10_000 })).toEqual({
      timestamp: START + 9000,
      value: value(9),
    });
    expect(await client.datapoints.latest(["big", "m1"], { before: START })).toEqual([undefined, undefined]);
  });

  it("deletes a range", async () => {
    await client.cogniteTimeSeries.insertDatapoints("m5", [
      [START, 1],
      [START + 1000, 2],
      [new Date(START + 2000), 3],
      { timestamp: START + 3000, value: 4 },
    ]);
    await client.datapoints.deleteRange("m5", START + 1000, new Date(START + 3000));
    const left = await client.cogniteTimeSeries.datapoints("m5", { start: START, end: START + 10_000 });
    expect([...left]).toEqual([
      { timestamp: START, value: 1 },
      { timestamp: START + 3000, value: 4 },
    ]);
  });
});

describe("more series", () => {
  it("a string series", async () => {
    const words = ["open", "closed", "open", "fault"];
    await client.datapoints.insert("text", { timestamps: words.map((_, i) => START + i * HOUR), values: words });
    const dps = await client.datapoints.retrieve("text", { start: START });
    expect(dps).toBeInstanceOf(StringDatapoints);
    if (!dps.isString) throw new Error("a string series");
    expect(dps.values).toEqual(words);
    expect(await client.datapoints.latest("text")).toEqual({ timestamp: START + 3 * HOUR, value: "fault" });
    const refused = client.datapoints.retrieve("text", { start: START, aggregates: "count", granularity: "1h" });
    await expect(refused).rejects.toThrow(/Aggregates are not supported for string time series/);
  });

  it("a classic time series by timeSeriesRef", async () => {
    const externalId = `${space}-classic`;
    await client.instances.http.post("/timeseries", { items: [{ externalId, name: "classic", isString: false }] });
    const ref = timeSeriesRef(externalId);
    const before = sent.length;
    expect(await client.datapoints.insertMany(new Map([[ref, [[START, 1.5], [START + 60_000, 2.5]] as const]]))).toBe(2);
    expect(sent[before]?.body.items[0].externalId).toBe(externalId);
    const dps = await client.datapoints.retrieve(ref, { start: START });
    expect(dps.id).toEqual(ref);
    expect([...dps].map((point) => point.value)).toEqual([1.5, 2.5]);
    const both = await client.datapoints.retrieve([ref, "m5"], { start: START, end: START + HOUR });
    expect(both.items.map((item) => item.id)).toEqual([ref, { space, externalId: "m5" }]);
    expect(both.get(ref)?.length).toBe(2);
    expect(both.get("m5")?.length).toBe(2);
    // A classic series outlives the run's spaces: delete it.
    await client.instances.http.post("/timeseries/delete", { items: [{ externalId }] });
  });

  it("many series through the generated view helper, in one request", async () => {
    const series = ["m1", "m2", "m3", "m4"];
    const written = await client.datapoints.insertMany(
      Object.fromEntries(series.map((id, s) => [id, { timestamps: [START, START + HOUR], values: [s, s + 10] }])),
    );
    expect(written).toBe(8);
    const nodes = await client.cogniteTimeSeries.retrieve(series);
    let before = sent.length;
    const raw = await client.cogniteTimeSeries.datapoints(nodes.items, { start: START, end: START + DAY });
    expect(requestsTo("/timeseries/data/list", before)).toBe(1);
    expect(raw.items.map((dps) => (dps.isString ? [] : Array.from(dps.values)))).toEqual([[0, 10], [1, 11], [2, 12], [3, 13]]);
    before = sent.length;
    const options = { start: START, end: START + DAY, aggregates: ["sum"], granularity: "1d" } as const;
    const sums = await eventually(async () => {
      before = sent.length;
      const read = await client.cogniteTimeSeries.datapoints(series, options);
      expect(read.items.map((dps) => dps.aggregates.sum[0])).toEqual([10, 12, 14, 16]);
      return read;
    });
    expect(requestsTo("/timeseries/data/list", before)).toBe(1);
    expect(sums.items.map((dps) => dps.granularity)).toEqual(["1d", "1d", "1d", "1d"]);
  });
});

describe("errors", () => {
  it("an unknown series is CDF's error, naming it; ignoreUnknownIds leaves it out", async () => {
    const error = await client.datapoints.retrieve("no-such-series", { start: START }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).missing).toEqual([{ instanceId: { space, externalId: "no-such-series" } }]);
    expect(String(error)).toMatch(/no-such-series/);
    const some = await client.datapoints.retrieve(["m1", "no-such-series"], { start: START, ignoreUnknownIds: true });
    expect(some.items.map((dps) => dps.id)).toEqual([{ space, externalId: "m1" }]);
    expect(some.missing).toEqual([{ space, externalId: "no-such-series" }]);
    expect(await client.datapoints.retrieve("no-such-series", { ignoreUnknownIds: true })).toBeUndefined();

    const failed = await client.datapoints.insert("no-such-series", [[START, 1]]).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DatapointsError);
    expect((failed as DatapointsError).written).toBe(0);
    expect((failed as DatapointsError).failed[0]?.ids).toEqual([{ space, externalId: "no-such-series" }]);
    expect(String(failed)).toMatch(/no-such-series/);
  });

  it("bad arguments throw before any request, naming the argument", async () => {
    const before = sent.length;
    const dp = client.datapoints;
    await expect(dp.retrieve("big", { start: "yesterday" })).rejects.toThrow(/start "yesterday" is not a time/);
    await expect(dp.retrieve("big", { end: 1.5 })).rejects.toThrow(/end must be whole epoch milliseconds/);
    await expect(dp.retrieve("big", { start: START, end: START })).rejects.toThrow(/end .* must be after start/);
    // @ts-expect-error: not an aggregate of CDF's
    await expect(dp.retrieve("big", { aggregates: ["avg"], granularity: "1h" })).rejects.toThrow(/aggregates: unknown \["avg"\]/);
    await expect(dp.retrieve("big", { aggregates: "max", granularity: "1x" })).rejects.toThrow(/granularity "1x"/);
    // @ts-expect-error: aggregates need a granularity
    await expect(dp.retrieve("big", { aggregates: "max" })).rejects.toThrow(/aggregates and granularity go together/);
    await expect(dp.retrieve("big", { limit: -1 })).rejects.toThrow(/limit must be/);
    // @ts-expect-error: {externalId} alone is neither a node id nor a classic reference
    await expect(dp.retrieve({ externalId: "big" })).rejects.toThrow(/id must be \{space, externalId\}.*timeSeriesRef/);
    expect(() => dp.pages("big", { pageSize: 100_001 })).toThrow(/pageSize must be an integer from 1 to 100000/);
    await expect(dp.insert("big", [[START + 0.5, 1]])).rejects.toThrow(/the timestamp at index 0 \(1704067200000.5\)/);
    await expect(dp.insert("big", [[START, Number.NaN]])).rejects.toThrow(/the value at 1704067200000 \(NaN\) is not a finite/);
    // @ts-expect-error: one value type per series
    await expect(dp.insert("big", { timestamps: [START, START + 1], values: [1, "x"] })).rejects.toThrow(/all numbers or all strings/);
    await expect(dp.insert("big", { timestamps: [START], values: [1, 2] })).rejects.toThrow(/1 timestamps but 2 values/);
    await expect(dp.deleteRange("big", START, START - 1)).rejects.toThrow(/end .* must be after start/);
    // @ts-expect-error: a view helper takes nodes of the view, not classic references
    await expect(client.cogniteTimeSeries.datapoints(timeSeriesRef("x"))).rejects.toThrow(/not a node of this view/);
    expect(sent.length).toBe(before);
  });

  it("an instance space is needed for bare external ids", async () => {
    if (onCdf()) return;
    const bare = new CogniteCoreClient({ project: service.project, baseUrl: service.baseUrl, credentials: service.credentials });
    await expect(bare.datapoints.retrieve("big")).rejects.toThrow(/id: "big" is an external id without a space/);
    const id: NodeId = { space, externalId: "m1" };
    expect((await bare.datapoints.retrieve(id, { start: START })).length).toBe(2);
  });
});
