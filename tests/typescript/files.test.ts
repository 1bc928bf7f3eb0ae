/**
 * File contents through the runtime's `FilesApi` (`client.files`) and the generated CogniteCore SDK's view helpers
 * (`client.cogniteFile.upload(...)`), against `pygen emulator` with the CogniteCore model (or the CDF target of the
 * run): 5 MB up and down byte for byte, every kind of content, a classic file by `fileRef`, the errors; and, on a fake
 * fetch, what goes to a storage service's pre-signed URL (no token) and that a stream body is sent once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConnectionFailedError, FilesApi, ServerError } from "../../pygen/ts_runtime/index.js";
import { BadRequestError, CogniteCoreClient, fileRef, timeSeriesRef, type FetchLike } from "./generated/cognite_core/index.js";
import { cdfError, fakeFetch, freshSpace, json, modelService, onCdf, testClient, type ModelService } from "./helpers.js";

let service: ModelService;
let client: CogniteCoreClient;
let space: string;
const paths: string[] = [];

beforeAll(async () => {
  service = await modelService("CogniteCore");
  space = freshSpace("files");
  const fetch: FetchLike = (url, init) => {
    paths.push(new URL(url).pathname.replace(/^\/api\/v1\/projects\/[^/]+/, ""));
    return globalThis.fetch(url, init);
  };
  const options = { project: service.project, baseUrl: service.baseUrl, credentials: service.credentials, fetch };
  client = new CogniteCoreClient(options, { instanceSpace: space });
  await client.instances.http.post("/models/spaces", { items: [{ space }] });
  await client.cogniteFile.upsert(
    ["manual", "blob", "buffer", "stream", "empty", "never"].map((externalId) => ({
      externalId,
      properties: { name: `${externalId}.bin`, mimeType: "application/octet-stream" },
    })),
  );
});

afterAll(async () => {
  await service?.stop();
});

/** `size` bytes that are not all alike (a pattern of a small LCG). */
function bytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

/** Whether two byte arrays hold the same bytes (vitest's deep equality is slow on large arrays). */
function same(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

describe("a CogniteFile node's content", () => {
  it("uploads and downloads 5 MB byte for byte through the generated view helpers", async () => {
    const content = bytes(5 * 1024 * 1024);
    await client.cogniteFile.upload("manual", content, { mimeType: "application/pdf" });
    const copy = await client.cogniteFile.download("manual");
    expect(copy.byteLength).toBe(content.byteLength);
    expect(same(copy, content)).toBe(true);
    const streamed = await readAll(await client.cogniteFile.downloadStream({ space, externalId: "manual" }));
    expect(same(streamed, content)).toBe(true);
    const node = await client.cogniteFile.retrieve("manual");
    expect(node?.properties.isUploaded).toBe(true);
    expect(node?.properties.uploadedTime).toBeInstanceOf(Date);
  });

  it("sends every kind of content: a Blob, an ArrayBuffer, a view of part of one, a stream, nothing", async () => {
    const content = bytes(300_000, 7);
    await client.files.upload("blob", new Blob([content.slice(0, 1000), content.slice(1000)]));
    expect(same(await client.files.download("blob"), content)).toBe(true);
    await client.files.upload("buffer", content.slice(0, 1000).buffer);
    expect(same(await client.files.download("buffer"), content.slice(0, 1000))).toBe(true);
    await client.files.upload("buffer", content.subarray(10, 20)); // a view of part of a buffer: only its bytes
    expect(same(await client.files.download("buffer"), content.slice(10, 20))).toBe(true);
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(out) {
        if (pulls === 3) out.close();
        else out.enqueue(content.subarray(pulls * 100_000, ++pulls * 100_000));
      },
    });
    await client.files.upload({ space, externalId: "stream" }, stream);
    expect(same(await client.files.download("stream"), content)).toBe(true);
    await client.files.upload("empty", new Uint8Array(0));
    expect((await client.files.download("empty")).byteLength).toBe(0);
  });

  it("gives the links: the upload link takes a PUT without the client", async () => {
    const url = await client.cogniteFile.uploadUrl("empty");
    const put = await fetch(url, { method: "PUT", body: new TextEncoder().encode("by hand") });
    expect(put.status).toBe(200);
    const download = await fetch(await client.files.downloadUrl("empty"));
    expect(await download.text()).toBe("by hand");
  });

  it("a classic file by fileRef", async () => {
    const externalId = `${space}-classic`;
    await client.instances.http.post("/files", { externalId, name: "classic.txt", mimeType: "text/plain" });
    await client.files.upload(fileRef(externalId), new TextEncoder().encode("classic content"));
    expect(new TextDecoder().decode(await client.files.download(fileRef(externalId)))).toBe("classic content");
    // A classic file outlives the run's spaces: delete it.
    await client.instances.http.post("/files/delete", { items: [{ externalId }] });
  });
});

describe("errors", () => {
  it("an unknown file, and one without content, are CDF's errors naming it", async () => {
    const unknown = await client.files.download("no-such-file").catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(BadRequestError);
    expect((unknown as BadRequestError).missing).toEqual([{ instanceId: { space, externalId: "no-such-file" } }]);
    const never = await client.cogniteFile.download("never").catch((e: unknown) => e);
    expect(never).toBeInstanceOf(BadRequestError);
    if (!onCdf()) expect(String(never)).toMatch(/The content of these files has not been uploaded.*never/);
    await expect(client.files.upload("no-such-file", new Uint8Array(1))).rejects.toThrow(/no-such-file/);
  });

  it("bad arguments throw before any request, naming the argument", async () => {
    const before = paths.length;
    // @ts-expect-error: text is encoded first
    await expect(client.files.upload("manual", "text")).rejects.toThrow(/content must be .*new TextEncoder/);
    // @ts-expect-error: a time series is no file
    await expect(client.files.download(timeSeriesRef("x"))).rejects.toThrow(/names a time series, not a file/);
    // @ts-expect-error: {externalId} alone is neither a node id nor a classic reference
    await expect(client.files.download({ externalId: "x" })).rejects.toThrow(/id must be \{space, externalId\}.*fileRef/);
    // @ts-expect-error: a view helper takes nodes of the view
    await expect(client.cogniteFile.download(fileRef("x"))).rejects.toThrow(/not a node of this view/);
    await expect(client.files.upload("manual", new Uint8Array(1), { mimeType: "" })).rejects.toThrow(/mimeType/);
    expect(paths.length).toBe(before);
  });
});

describe("transfers (fake fetch)", () => {
  const link = (url: string) => json(200, { items: [{ instanceId: { space: "s", externalId: "f" }, uploadUrl: url, downloadUrl: url }] });

  it("send the token and the client's headers to the cluster only, never to a storage service", async () => {
    for (const [url, own] of [
      ["https://storage.test/bucket/f?sig=abc", false],
      ["https://example.test/files/f?sig=abc", true],
    ] as const) {
      const fetch = fakeFetch((call) => (call.url.includes("/files/") && call.init.method === "POST" ? link(url) : new Response("ok")));
      const files = new FilesApi(testClient(fetch), { instanceSpace: "s" });
      await files.upload("f", new Uint8Array([1, 2, 3]));
      await files.download("f");
      const transfers = fetch.calls.filter((call) => call.url === url);
      expect(transfers.map((call) => call.init.method)).toEqual(["PUT", "GET"]);
      for (const call of transfers) {
        const headers = call.init.headers;
        expect(headers["authorization"] === "Bearer t").toBe(own);
        expect("x-cdp-app" in headers).toBe(own);
      }
      expect(transfers[0]?.init.headers["content-type"]).toBe("application/octet-stream");
    }
  });

  it("retry a failed PUT of bytes, but send a stream once", async () => {
    const url = "https://storage.test/f";
    let puts = 0;
    const fetch = fakeFetch((call) => {
      if (call.url !== url) return link(url);
      puts++;
      return puts === 1 ? cdfError(503) : new Response("");
    });
    const files = new FilesApi(testClient(fetch), { instanceSpace: "s" });
    await files.upload("f", new Uint8Array([1]));
    expect(puts).toBe(2);
    puts = 0;
    const stream = new ReadableStream<Uint8Array>({ start: (out) => (out.enqueue(new Uint8Array([1])), out.close()) });
    const error = await files.upload("f", stream).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(String(error)).toMatch(/not retried: its body is a stream, which can be sent only once/);
    expect(puts).toBe(1);
  });

  it("time out a body that stalls between chunks", async () => {
    const url = "https://storage.test/f";
    const fetch = fakeFetch((call) => {
      if (call.url !== url) return link(url);
      // One chunk, then nothing more: the transfer gives up after timeoutMs without a chunk.
      return new Response(new ReadableStream<Uint8Array>({ start: (out) => out.enqueue(new Uint8Array([1, 2])) }));
    });
    const files = new FilesApi(testClient(fetch, { timeoutMs: 50, retry: { maxRetries: 1 } }), { instanceSpace: "s" });
    const error = await files.download("f").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionFailedError);
    expect(String(error)).toMatch(/timed out waiting more than 50 ms for the next chunk of the body \(2 attempts\)/);
  });
});
