import type { Session, SessionsAdapter } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { sessionModel } from "../keys.js";
import { Repository } from "../repository.js";
import type { DynamoTable } from "../table.js";
import { extendLoginSession } from "./login-sessions.js";

export function createSessionsAdapter(table: DynamoTable): SessionsAdapter {
  const sessions = new Repository<Session>(table, sessionModel);

  const extendParent = async (tenantId: string, session: Pick<Session, "login_session_id" | "expires_at" | "idle_expires_at">) => {
    const latest = [session.expires_at, session.idle_expires_at].filter((value): value is string => Boolean(value)).sort().at(-1);
    if (session.login_session_id && latest) await extendLoginSession(table, tenantId, session.login_session_id, latest);
  };

  return {
    // NOTE: the session write and the login-session extension are two requests, not one transaction; a crash between them leaves the login session on its shorter expiry.
    create: async (tenantId, insert) => {
      const session = stampNew<Session>(insert, "id", undefined);
      await sessions.create(tenantId, session, `A session with id \`${session.id}\` already exists.`);
      await extendParent(tenantId, session);
      return session;
    },
    get: (tenantId, id) => sessions.get(tenantId, id, { consistent: true }),
    list: async (tenantId, params = {}) => {
      const page = await sessions.list(tenantId, params);
      return { sessions: page.items, ...page.totals };
    },
    update: async (tenantId, id, patch) => {
      const { id: _ignored, ...rest } = patch;
      const applied = await sessions.update(tenantId, id, rest);
      if (applied && (rest.expires_at || rest.idle_expires_at)) {
        const current = await sessions.get(tenantId, id);
        if (current) await extendParent(tenantId, current);
      }
      return applied;
    },
    remove: (tenantId, id) => sessions.remove(tenantId, id),
  };
}
