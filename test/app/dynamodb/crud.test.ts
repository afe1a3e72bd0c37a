import assert from "node:assert/strict";
import type { DataAdapters, ListParams } from "@authhero/adapter-interfaces";
import { assertHttpError, TENANT_A, TENANT_B, useAdapterFixture } from "./helpers.js";

interface Entity {
  id: string;
  created_at?: string;
  updated_at?: string;
  [field: string]: unknown;
}

/** The common surface of the generic crud adapters, typed loosely so one table of cases covers all five. */
interface LooseCrudAdapter {
  create(tenantId: string, params: object): Promise<Entity>;
  get(tenantId: string, id: string): Promise<Entity | null>;
  update(tenantId: string, id: string, patch: object): Promise<boolean>;
  remove(tenantId: string, id: string): Promise<boolean>;
  list(tenantId: string, params?: ListParams): Promise<Record<string, unknown>>;
}

interface CrudCase {
  adapter: keyof DataAdapters;
  listKey: string;
  idPrefix: string;
  /** Insert params; `label` goes into the field `labelField`. */
  insert(label: string): object;
  labelField: string;
}

const CASES: CrudCase[] = [
  { adapter: "roles", listKey: "roles", idPrefix: "rol_", labelField: "name", insert: (label) => ({ name: label, description: `role ${label}` }) },
  {
    adapter: "resourceServers",
    listKey: "resource_servers",
    idPrefix: "rs_",
    labelField: "name",
    insert: (label) => ({ name: label, identifier: `https://${label}.example.com`, scopes: [{ value: "read:all" }] }),
  },
  { adapter: "organizations", listKey: "organizations", idPrefix: "org_", labelField: "name", insert: (label) => ({ name: label, display_name: label.toUpperCase() }) },
  { adapter: "clientGrants", listKey: "client_grants", idPrefix: "cgr_", labelField: "audience", insert: (label) => ({ client_id: "app-1", audience: label, scope: ["read:all"] }) },
  { adapter: "connections", listKey: "connections", idPrefix: "con_", labelField: "name", insert: (label) => ({ name: label, strategy: "Username-Password-Authentication", options: {} }) },
];

describe("generic crud adapters", () => {
  const fixture = useAdapterFixture();

  for (const testCase of CASES) {
    const adapterOf = (data: DataAdapters) => data[testCase.adapter] as unknown as LooseCrudAdapter;
    const labels = async (data: DataAdapters, tenantId: string, params?: ListParams) =>
      ((await adapterOf(data).list(tenantId, params))[testCase.listKey] as Entity[]).map((entity) => entity[testCase.labelField]);

    /** Creates `count` entities labelled e0, e1, … one second apart. */
    const seed = async (data: DataAdapters, tenantId: string, count: number) => {
      const created: Entity[] = [];
      for (let index = 0; index < count; index++) {
        created.push(await adapterOf(data).create(tenantId, { ...testCase.insert(`e${index}`), created_at: `2026-01-01T00:00:${String(index).padStart(2, "0")}.000Z` }));
      }
      return created;
    };

    describe(`${testCase.adapter}`, () => {
      describe("create and get", () => {
        it("assigns a prefixed id and timestamps", async () => {
          const { data } = fixture();
          const created = await adapterOf(data).create(TENANT_A, testCase.insert("first"));
          assert.ok(created.id.startsWith(testCase.idPrefix), created.id);
          assert.ok(created.created_at);
          assert.ok(created.updated_at);

          const stored = await adapterOf(data).get(TENANT_A, created.id);
          assert.equal(stored?.[testCase.labelField], "first");
        });

        it("keeps a given id", async () => {
          const { data } = fixture();
          const created = await adapterOf(data).create(TENANT_A, { ...testCase.insert("first"), id: "given-id" });
          assert.equal(created.id, "given-id");
          assert.equal((await adapterOf(data).get(TENANT_A, "given-id"))?.[testCase.labelField], "first");
        });

        it("rejects a duplicate id with 409", async () => {
          const { data } = fixture();
          await adapterOf(data).create(TENANT_A, { ...testCase.insert("first"), id: "same" });
          await assertHttpError(adapterOf(data).create(TENANT_A, { ...testCase.insert("second"), id: "same" }), 409);
          assert.equal((await adapterOf(data).get(TENANT_A, "same"))?.[testCase.labelField], "first");
        });

        it("returns null for an unknown id", async () => {
          const { data } = fixture();
          assert.equal(await adapterOf(data).get(TENANT_A, "missing"), null);
        });
      });

      describe("update", () => {
        it("changes fields and keeps the id", async () => {
          const { data } = fixture();
          const created = await adapterOf(data).create(TENANT_A, { ...testCase.insert("first"), updated_at: "2020-01-01T00:00:00.000Z" });
          assert.equal(await adapterOf(data).update(TENANT_A, created.id, { [testCase.labelField]: "renamed", id: "other" }), true);

          const stored = await adapterOf(data).get(TENANT_A, created.id);
          assert.equal(stored?.[testCase.labelField], "renamed");
          assert.equal(stored?.id, created.id);
          assert.notEqual(stored?.updated_at, "2020-01-01T00:00:00.000Z");
          assert.equal(await adapterOf(data).get(TENANT_A, "other"), null);
        });

        it("returns false for an unknown id", async () => {
          const { data } = fixture();
          assert.equal(await adapterOf(data).update(TENANT_A, "missing", { [testCase.labelField]: "ghost" }), false);
          assert.equal(await adapterOf(data).get(TENANT_A, "missing"), null);
        });
      });

      describe("remove", () => {
        it("deletes the entity once", async () => {
          const { data } = fixture();
          const created = await adapterOf(data).create(TENANT_A, testCase.insert("first"));
          assert.equal(await adapterOf(data).remove(TENANT_A, created.id), true);
          assert.equal(await adapterOf(data).get(TENANT_A, created.id), null);
          assert.equal(await adapterOf(data).remove(TENANT_A, created.id), false);
          assert.deepEqual(await labels(data, TENANT_A), []);
        });
      });

      describe("list", () => {
        it("pages with page and per_page", async () => {
          const { data } = fixture();
          await seed(data, TENANT_A, 5);
          assert.deepEqual(await labels(data, TENANT_A, { page: 0, per_page: 2 }), ["e0", "e1"]);
          assert.deepEqual(await labels(data, TENANT_A, { page: 2, per_page: 2 }), ["e4"]);
          assert.deepEqual(await labels(data, TENANT_A, { page: 3, per_page: 2 }), []);
        });

        it("reports totals with include_totals", async () => {
          const { data } = fixture();
          await seed(data, TENANT_A, 3);
          const result = await adapterOf(data).list(TENANT_A, { page: 1, per_page: 2, include_totals: true });
          assert.equal(result.start, 2);
          assert.equal(result.limit, 2);
          assert.equal(result.length, 1);
          assert.equal(result.total, 3);
        });

        it("sorts by a field", async () => {
          const { data } = fixture();
          await seed(data, TENANT_A, 3);
          assert.deepEqual(await labels(data, TENANT_A, { sort: { sort_by: testCase.labelField, sort_order: "desc" } }), ["e2", "e1", "e0"]);
          assert.deepEqual(await labels(data, TENANT_A, { sort: { sort_by: testCase.labelField, sort_order: "asc" } }), ["e0", "e1", "e2"]);
        });

        it("pages with from and take across page boundaries", async () => {
          const { data } = fixture();
          await seed(data, TENANT_A, 7);
          const seen: unknown[] = [];
          let from: string | undefined;
          for (let round = 0; round < 10; round++) {
            const result = await adapterOf(data).list(TENANT_A, { from, take: 3 });
            const page = result[testCase.listKey] as Entity[];
            assert.ok(page.length <= 3);
            seen.push(...page.map((entity) => entity[testCase.labelField]));
            from = result.next as string | undefined;
            if (!from) break;
          }
          assert.deepEqual(seen, ["e0", "e1", "e2", "e3", "e4", "e5", "e6"]);
        });

        it("filters with q", async () => {
          const { data } = fixture();
          await seed(data, TENANT_A, 3);
          assert.deepEqual(await labels(data, TENANT_A, { q: `${testCase.labelField}:e1` }), ["e1"]);
        });
      });

      describe("tenant isolation", () => {
        it("keeps one id apart in two tenants", async () => {
          const { data } = fixture();
          await adapterOf(data).create(TENANT_A, { ...testCase.insert("in-a"), id: "same" });
          await adapterOf(data).create(TENANT_B, { ...testCase.insert("in-b"), id: "same" });

          assert.equal((await adapterOf(data).get(TENANT_B, "same"))?.[testCase.labelField], "in-b");
          assert.deepEqual(await labels(data, TENANT_B), ["in-b"]);
          await adapterOf(data).update(TENANT_B, "same", { [testCase.labelField]: "changed" });
          await adapterOf(data).remove(TENANT_B, "same");

          assert.equal((await adapterOf(data).get(TENANT_A, "same"))?.[testCase.labelField], "in-a");
          assert.deepEqual(await labels(data, TENANT_A), ["in-a"]);
        });
      });
    });
  }
});
