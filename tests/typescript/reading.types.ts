/**
 * The reading vocabulary of the main README ("Reading many items: one vocabulary") in TypeScript: `list({ limit })`
 * with `"all"` for everything, `iterate` yields items, `pages` yields `Page`s (`items`, `cursor`), `page({ cursor })`
 * is one request, `pageSize` the items per request. Type-checked by `tsc --noEmit -p .` (run.sh), never run; the
 * behaviour is tested end to end in e2e.test.ts ("paging") and instances.test.ts.
 *
 * Each `@ts-expect-error` line is a mistake the types refuse; the line before it is the same code done right.
 */
import type { ConnectionItemG, OmniClient, Page } from "./generated/omni/index.js";

export async function vocabulary(client: OmniClient): Promise<void> {
  const api = client.connectionItemG;
  const some: ConnectionItemG[] = await api.list({ limit: 25 });
  const all: ConnectionItemG[] = await api.list({ limit: "all", pageSize: 1000 });
  void [some, all];
  // @ts-expect-error "all" is a word, not null (Python's limit=None)
  await api.list({ limit: null });
  // @ts-expect-error items per request are pageSize (Python's page_size)
  await api.list({ page_size: 1000 });

  // iterate yields items, one page in memory at a time.
  for await (const item of api.iterate({ limit: "all" })) {
    const one: ConnectionItemG = item;
    void one;
    // @ts-expect-error iterate yields items, not pages
    void item.items;
  }
  // pages yields pages; the cursor is the next page's (undefined on the last page).
  for await (const page of api.pages({ pageSize: 500 })) {
    const typed: Page<ConnectionItemG> = page;
    const cursor: string | undefined = page.cursor;
    void [typed, cursor];
  }
  // one page, one request; resume with its cursor.
  const first = await api.page({ pageSize: 100 });
  const rest = await api.list({ limit: "all", ...(first.cursor === undefined ? {} : { cursor: first.cursor }) });
  void rest;
  // @ts-expect-error a page takes no limit (its size is pageSize)
  await api.page({ limit: 10 });
  // for await over the API itself: every item.
  for await (const item of api) void item.properties.name;

  // Graph queries use the same words: limit "all", iterate yields the roots.
  for await (const root of api.query({ limit: "all" }).iterate({ pageSize: 100 })) void root.externalId;
}
