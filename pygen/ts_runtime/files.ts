/**
 * File contents: {@link FilesApi} (upload, download as bytes or as a stream, the links themselves) and
 * {@link FileNodeApi}, the base of generated view APIs whose nodes are files.
 *
 * In CDF's core data model a `CogniteFile` node *is* a file: its content goes through the files API, addressed by
 * the node's instance id; a classic file (the value of an older model's `file` property) is addressed by external id
 * ({@link fileRef}). Both take two steps: `POST /files/uploadlink` (or `/files/downloadlink`) gives a URL, then the
 * bytes go to it (`PUT`) or come from it (`GET`). Those URLs are pre-signed (the grant is in the URL): the transport
 * sends the project's token only to the cluster's own origin, never to a storage service's.
 */
import { PygenError } from "./errors.js";
import { safeString } from "./items.js";
import { describeResource, nodeIds, resolveResource, type FileRef, type Resolved } from "./datapoints.js";
import type { HttpClient } from "./transport.js";
import type { NodeIdLike, Properties, TransferBody } from "./types.js";
import { NodeApi } from "./views.js";

/**
 * A file: a `CogniteFile` node (`{space, externalId}`, a node read through any view, or a bare external id in the
 * client's `instanceSpace`) or a classic one ({@link fileRef}).
 */
export type FileIdLike = NodeIdLike | FileRef;

/**
 * What an upload sends: bytes (`Uint8Array`, `ArrayBuffer`), a `Blob` (a browser's `File` too), or a
 * `ReadableStream` of bytes. A stream is sent as it is read, once (not retried); Node's `fetch` sends it, browsers
 * mostly do not (Chromium only over HTTP/2), and a storage service may want its length: prefer the others.
 */
export type FileContent = Uint8Array | ArrayBuffer | Blob | ReadableStream<Uint8Array>;

/** Options of {@link FilesApi.upload}. */
export interface UploadOptions {
  /** The `Content-Type` sent; default the file's own `mimeType`, else `application/octet-stream`. */
  mimeType?: string;
  signal?: AbortSignal;
  /**
   * The most one attempt of the `PUT` may take, in ms (`null`: no limit). Default: the client's `timeoutMs` plus a
   * second per MiB (a floor of 1 MiB/s); none for a stream, whose size is unknown.
   */
  timeoutMs?: number | null;
}

/** Options of the downloads and of the link calls. */
export interface DownloadOptions {
  signal?: AbortSignal;
}

const MIB = 1 << 20;

/** The body of a `PUT` and its size, when known. */
function uploadBody(content: unknown): { body: TransferBody; size: number | undefined } {
  if (content instanceof Uint8Array) {
    const whole = content.byteOffset === 0 && content.byteLength === content.buffer.byteLength;
    // fetch sends an ArrayBuffer as is; a view of part of one (or of shared memory) is copied first.
    const buffer = whole && content.buffer instanceof ArrayBuffer ? content.buffer : content.slice().buffer;
    return { body: buffer as ArrayBuffer, size: content.byteLength };
  }
  if (content instanceof ArrayBuffer) return { body: content, size: content.byteLength };
  if (typeof Blob !== "undefined" && content instanceof Blob) return { body: content, size: content.size };
  if (typeof ReadableStream !== "undefined" && content instanceof ReadableStream) {
    return { body: content as ReadableStream<Uint8Array>, size: undefined };
  }
  const text = typeof content === "string" ? " (for text, pass new TextEncoder().encode(text))" : "";
  throw new TypeError(
    "content must be a Uint8Array, an ArrayBuffer, a Blob or a ReadableStream of bytes, " +
      `got ${safeString(content)}${text}`,
  );
}

/**
 * File contents by the file's node or classic external id: `upload` (`/files/uploadlink`, then a `PUT` to the link),
 * `download` (bytes) and `downloadStream` (a `ReadableStream`, `/files/downloadlink` then a `GET`), and the links.
 *
 * @example
 * await client.files.upload("manual", new TextEncoder().encode("Open valve V1 first."), { mimeType: "text/plain" });
 * const bytes = await client.files.download("manual");
 * const stream = await client.files.downloadStream(fileRef("classic-file"));
 */
export class FilesApi {
  readonly http: HttpClient;
  readonly instanceSpace: string | undefined;

  /** Over `http`; `instanceSpace` is the space of bare external ids. */
  constructor(http: HttpClient, options: { instanceSpace?: string | undefined } = {}) {
    this.http = http;
    this.instanceSpace = options.instanceSpace;
  }

  #resolve(id: unknown): Resolved<FileRef> {
    return resolveResource<FileRef>(id, "file", this.instanceSpace, "id");
  }

  /** The link of one file (`uploadUrl` or `downloadUrl`), and its MIME type when it has one. */
  async #link(
    file: Resolved<FileRef>,
    path: "/files/uploadlink" | "/files/downloadlink",
    key: "uploadUrl" | "downloadUrl",
    options: DownloadOptions,
  ): Promise<{ url: string; mimeType: string | undefined }> {
    const body = { items: [file.identifier] };
    const kind = key === "uploadUrl" ? "write" : "read";
    const response = await this.http.post(path, body, { kind, ...(options.signal ? { signal: options.signal } : {}) });
    const answer = response.json();
    const items = typeof answer === "object" && answer !== null && !Array.isArray(answer) ? answer["items"] : undefined;
    const item = Array.isArray(items) ? items[0] : undefined;
    const url = typeof item === "object" && item !== null && !Array.isArray(item) ? item[key] : undefined;
    if (typeof url !== "string" || url === "") {
      throw new PygenError(`CDF gave no ${key} for file ${describeResource(file.asked)}`);
    }
    const mimeType = (item as Record<string, unknown>)["mimeType"];
    return { url, mimeType: typeof mimeType === "string" && mimeType !== "" ? mimeType : undefined };
  }

  /** A URL to `PUT` the file's bytes to (`POST /files/uploadlink`). */
  async uploadUrl(id: FileIdLike, options: DownloadOptions = {}): Promise<string> {
    return (await this.#link(this.#resolve(id), "/files/uploadlink", "uploadUrl", options)).url;
  }

  /** A URL to `GET` the file's bytes from (`POST /files/downloadlink`; it expires soon: 30 s on CDF). */
  async downloadUrl(id: FileIdLike, options: DownloadOptions = {}): Promise<string> {
    return (await this.#link(this.#resolve(id), "/files/downloadlink", "downloadUrl", options)).url;
  }

  /**
   * Uploads the file's content ({@link FileContent}), replacing any before: asks `/files/uploadlink` for a URL and
   * `PUT`s the bytes to it (sent again if the transport retries, except a stream). CDF then marks the file uploaded
   * (a `CogniteFile` node's `isUploaded`). The content is checked before any request.
   */
  async upload(id: FileIdLike, content: FileContent, options: UploadOptions = {}): Promise<void> {
    const file = this.#resolve(id);
    const { body, size } = uploadBody(content);
    if (options.mimeType !== undefined && (typeof options.mimeType !== "string" || options.mimeType === "")) {
      throw new TypeError(`mimeType must be a non-empty string, got ${safeString(options.mimeType)}`);
    }
    const { url, mimeType } = await this.#link(file, "/files/uploadlink", "uploadUrl", options);
    const base = this.http.config.timeoutMs;
    let timeoutMs = options.timeoutMs;
    if (timeoutMs === undefined) timeoutMs = size === undefined ? null : base + Math.ceil(size / MIB) * 1000;
    await this.http.transfer("PUT", url, {
      body,
      headers: { "content-type": options.mimeType ?? mimeType ?? "application/octet-stream" },
      kind: "write",
      timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  /**
   * The file's bytes (`/files/downloadlink`, then a `GET` of the link). For large files {@link downloadStream} does
   * not hold them all in memory.
   */
  async download(id: FileIdLike, options: DownloadOptions = {}): Promise<Uint8Array> {
    const { url } = await this.#link(this.#resolve(id), "/files/downloadlink", "downloadUrl", options);
    const response = await this.http.transfer("GET", url, {
      headers: { accept: "*/*" },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return response.bytes;
  }

  /**
   * The file's bytes as a stream, to read at your pace (`for await (const chunk of stream)` on Node, or
   * `stream.getReader()`); cancel it (or abort `options.signal`) to stop early.
   */
  async downloadStream(id: FileIdLike, options: DownloadOptions = {}): Promise<ReadableStream<Uint8Array>> {
    const { url } = await this.#link(this.#resolve(id), "/files/downloadlink", "downloadUrl", options);
    const response = await this.http.stream("GET", url, {
      headers: { accept: "*/*" },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return response.body;
  }
}

/**
 * The API of a view whose nodes are files (CDF's `CogniteFile`, or a view implementing it): the {@link NodeApi} plus
 * the content of its nodes, through a {@link FilesApi} on the same client. Generated SDKs extend it for such views.
 *
 * @example
 * await client.cogniteFile.upsert({ externalId: "manual", properties: { name: "manual.pdf" } });
 * await client.cogniteFile.upload("manual", bytes, { mimeType: "application/pdf" });
 * const copy = await client.cogniteFile.download("manual");
 */
export class FileNodeApi<P extends object = Properties, W extends object = Partial<P>> extends NodeApi<P, W> {
  #files: FilesApi | undefined;

  /** The files API of this API's client (its transport and instance space). */
  get filesApi(): FilesApi {
    this.#files ??= new FilesApi(this.client.http, { instanceSpace: this.client.instanceSpace });
    return this.#files;
  }

  /** Uploads the content of a node of this view ({@link FilesApi.upload}). */
  async upload(id: NodeIdLike, content: FileContent, options: UploadOptions = {}): Promise<void> {
    return this.filesApi.upload(nodeIds(id) as NodeIdLike, content, options);
  }

  /** The content of a node of this view, as bytes ({@link FilesApi.download}). */
  async download(id: NodeIdLike, options: DownloadOptions = {}): Promise<Uint8Array> {
    return this.filesApi.download(nodeIds(id) as NodeIdLike, options);
  }

  /** The content of a node of this view, as a stream ({@link FilesApi.downloadStream}). */
  async downloadStream(id: NodeIdLike, options: DownloadOptions = {}): Promise<ReadableStream<Uint8Array>> {
    return this.filesApi.downloadStream(nodeIds(id) as NodeIdLike, options);
  }

  /** A URL to `PUT` the content of a node of this view to ({@link FilesApi.uploadUrl}). */
  async uploadUrl(id: NodeIdLike, options: DownloadOptions = {}): Promise<string> {
    return this.filesApi.uploadUrl(nodeIds(id) as NodeIdLike, options);
  }

  /** A URL to `GET` the content of a node of this view from ({@link FilesApi.downloadUrl}). */
  async downloadUrl(id: NodeIdLike, options: DownloadOptions = {}): Promise<string> {
    return this.filesApi.downloadUrl(nodeIds(id) as NodeIdLike, options);
  }
}
