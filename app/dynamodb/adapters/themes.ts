import type { Theme, ThemesAdapter } from "@authhero/adapter-interfaces";
import { stampNew, withoutId } from "../crud.js";
import { tenantEntityModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";

export function createThemesAdapter(table: DynamoTable): ThemesAdapter {
  const themes = new Repository<Theme>(table, tenantEntityModel<Theme>("theme", "themeId"));
  return {
    create: async (tenantId, insert, themeId, options) =>
      themes.create(tenantId, stampNew<Theme>({ ...insert, ...(themeId ? { themeId } : {}) }, "themeId", "theme", options), `Theme \`${themeId}\` already exists.`),
    remove: (tenantId, themeId) => themes.remove(tenantId, themeId),
    get: (tenantId, themeId) => themes.get(tenantId, themeId),
    update: (tenantId, themeId, patch) => themes.update(tenantId, String(themeId), withoutId(patch, "themeId") as Partial<Theme>),
  };
}
