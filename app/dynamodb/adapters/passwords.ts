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
    update: async (tenantId, params) => {
      const current = await currentItems(table, tenantId, params.user_id);
      if (current.length === 0) return false;
      const password = stampNew<Password>({ ...params, is_current: true }, "id", undefined);
      await table.transactWrite(passwordWrites(tenantId, password, current));
      return true;
    },
    get: async (tenantId, userId) => {
      const [current] = await currentItems(table, tenantId, userId);
      return current ? readEntity<Password>(current, PASSWORD_TYPE) : null;
    },
    list: async (tenantId, userId, limit) => {
      const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: "password#", ascending: false });
      const passwords = items.filter((item) => item.type === PASSWORD_TYPE).map((item) => readEntity<Password>(item, PASSWORD_TYPE));
      return limit === undefined ? passwords : passwords.slice(0, limit);
    },
  };
}

async function currentItems(table: DynamoTable, tenantId: string, userId: string): Promise<StoredItem[]> {
  const items = await table.queryAll({ partitionKey: userPartition(tenantId, userId), sortKeyPrefix: "password#", ascending: false });
  return items.filter((item) => item.type === PASSWORD_TYPE && item.data.is_current !== false);
}

export function passwordItem(tenantId: string, password: Password): StoredItem {
  return { ...passwordKey(tenantId, password.user_id, password), type: PASSWORD_TYPE, v: SCHEMA_VERSION, tenant_id: tenantId, data: password as unknown as Record<string, unknown> };
}

/** Inserts a current password, retires the previous ones, and requires the user to exist. */
export function passwordWrites(tenantId: string, password: Password, previous: StoredItem[], options: { checkUser?: boolean } = {}): TransactItem[] {
  const writes: TransactItem[] = [
    { Put: { Item: passwordItem(tenantId, password), ConditionExpression: "attribute_not_exists(pk)" } } as unknown as TransactItem,
    ...previous.map((item) => ({
      Update: { Key: { pk: item.pk, sk: item.sk }, UpdateExpression: "SET #data.#current = :false", ExpressionAttributeNames: { "#data": "data", "#current": "is_current" }, ExpressionAttributeValues: { ":false": false } },
    }) as unknown as TransactItem),
  ];
  if (options.checkUser !== false) {
    writes.push({ ConditionCheck: { Key: userModel.key(tenantId, password.user_id), ConditionExpression: "attribute_exists(pk)" } } as unknown as TransactItem);
  }
  return writes;
}
