import type { AuthenticationMethod, AuthenticationMethodsAdapter } from "@authhero/adapter-interfaces";
import { HTTPException } from "hono/http-exception";
import { stampNew, withoutId } from "../crud.js";
import { composeKey } from "../item.js";
import { authenticationMethodModel, userAuthenticationMethodsPartition } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createAuthenticationMethodsAdapter(table: DynamoTable): AuthenticationMethodsAdapter {
  const methods = new Repository<AuthenticationMethod>(table, authenticationMethodModel as never);
  return {
    create: async (tenantId, insert, options) => methods.create(tenantId, stampNew<AuthenticationMethod>(insert, "id", "am", options)),
    get: (tenantId, id) => methods.get(tenantId, id),
    getByCredentialId: async (tenantId, credentialId) => {
      const [method] = methods.entities(await table.queryAll({ index: "gsi2", partitionKey: composeKey(tenantId, "credential", credentialId) }));
      return method ?? null;
    },
    list: async (tenantId, userId) => methods.entities(await table.queryAll({ index: "gsi1", partitionKey: userAuthenticationMethodsPartition(tenantId, userId) })),
    update: async (tenantId, id, patch) => {
      const applied = await methods.update(tenantId, id, withoutId(patch, "id") as Partial<AuthenticationMethod>);
      const updated = applied ? await methods.get(tenantId, id) : null;
      if (!updated) throw new HTTPException(404, { message: `Authentication method \`${id}\` not found.` });
      return updated;
    },
    remove: (tenantId, id) => methods.remove(tenantId, id),
  };
}
