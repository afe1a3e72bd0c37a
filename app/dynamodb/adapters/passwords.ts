import type { Password, PasswordsAdapter } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { readEntity, SCHEMA_VERSION, type StoredItem } from "../item.js";
import { passwordKey, userModel, userPartition } from "../keys.js";
import type { DynamoTable, TransactItem } from "../table.js";

const PASSWORD_TYPE = "password";

/**
 * Password hashes live in the user's partition, newest last by sort key.
 * Exactly one is current; older ones stay as history for reuse policies.
 */
export function createPasswordsAdapter(table: DynamoTable): PasswordsAdapter {
  return {
    create: async (tenantId, params, options) => {
      const password = stampNew<Password>({ ...params, is_current: params.is_current ?? true }, "id", undefined, options);
      const previous = password.is_current === false ? [] : await currentItems(table, tenantId, params.user_id);
      await table.transactWrite(passwordWrites(tenantId, password, previous), `Password \`${password.id}\` already exists or user \`${params.user_id}\` does not.`);
      return password;
    },
    // Edits one stored password in place: the one named by `id`, else the current one.
    // AuthHero retires the old password this way (`is_current: false`) before it creates the new one.
    update: async (tenantId, params) => {
      const items = await passwordItems(table, tenantId, params.user_id);
      const target = params.id === undefined ? items.find(isCurrent) : items.find((item) => item.data.id === params.id);
      if (!target) return false;
      const makeCurrent = params.is_current ?? true;
      const others = makeCurrent ? items.filter((item) => item !== target && isCurrent(item)) : [];
      await table.transactWrite([
        {
          Update: {
            Key: { pk: target.pk, sk: target.sk },
            UpdateExpression: "SET #data.#password = :password, #data.#algorithm = :algorithm, #data.#current = :current, #data.#updated = :updated",
            ConditionExpression: "attribute_exists(pk)",
            ExpressionAttributeNames: { "#data": "data", "#password": "password", "#algorithm": "algorithm", "#current": "is_current", "#updated": "updated_at" },
            ExpressionAttributeValues: { ":password": params.password ?? target.data.password, ":algorithm": params.algorithm ?? target.data.algorithm, ":current": makeCurrent, ":updated": new Date().toISOString() },
          },
        },
        ...retireWrites(others),
      ]);
      return true;
    },
    get: async (tenantId, userId) => currentPassword(await passwordItems(table, tenantId, userId)),
    list: async (tenantId, userId, limit) => {
      const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: "password#", ascending: false });
      const passwords = items.filter((item) => item.type === PASSWORD_TYPE).map((item) => readEntity<Password>(item, PASSWORD_TYPE));
      return limit === undefined ? passwords : passwords.slice(0, limit);
    },
  };
}

/** Reads every password item of a user, newest first. */
async function passwordItems(table: DynamoTable, tenantId: string, userId: string): Promise<StoredItem[]> {
  const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: "password#", ascending: false });
  return items.filter((item) => item.type === PASSWORD_TYPE);
}

/** Returns the current password among a user's password items, newest first by sort key, or null. */
export function currentPassword(items: StoredItem[]): Password | null {
  const passwords = items.filter((item) => item.type === PASSWORD_TYPE && item.sk.startsWith("password#"));
  // Sort keys start with the creation time, so the newest sorts last, as DynamoDB orders them.
  const newestFirst = passwords.sort(compareSortKeysDescending);
  const current = newestFirst.find(isCurrent);
  return current ? readEntity<Password>(current, PASSWORD_TYPE) : null;
}

function compareSortKeysDescending(left: StoredItem, right: StoredItem): number {
  if (left.sk === right.sk) return 0;
  return left.sk < right.sk ? 1 : -1;
}

function isCurrent(item: StoredItem): boolean {
  return item.data.is_current !== false;
}

async function currentItems(table: DynamoTable, tenantId: string, userId: string): Promise<StoredItem[]> {
  return (await passwordItems(table, tenantId, userId)).filter(isCurrent);
}

function retireWrites(items: StoredItem[]): TransactItem[] {
  return items.map((item) => ({
    Update: { Key: { pk: item.pk, sk: item.sk }, UpdateExpression: "SET #data.#current = :false", ExpressionAttributeNames: { "#data": "data", "#current": "is_current" }, ExpressionAttributeValues: { ":false": false } },
  }));
}

export function passwordItem(tenantId: string, password: Password): StoredItem {
  return { ...passwordKey(tenantId, password.user_id, password), type: PASSWORD_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: password as unknown as Record<string, unknown> };
}

/** Inserts a current password, retires the previous ones, and requires the user to exist. */
export function passwordWrites(tenantId: string, password: Password, previous: StoredItem[], options: { checkUser?: boolean } = {}): TransactItem[] {
  const writes: TransactItem[] = [
    { Put: { Item: passwordItem(tenantId, password), ConditionExpression: "attribute_not_exists(pk)" } },
    ...retireWrites(previous),
  ];
  if (options.checkUser !== false) {
    writes.push({ ConditionCheck: { Key: userModel.key(tenantId, password.user_id), ConditionExpression: "attribute_exists(pk)" } });
  }
  return writes;
}
