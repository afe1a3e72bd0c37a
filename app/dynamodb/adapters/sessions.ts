import type { Session, SessionsAdapter } from "@authhero/adapter-interfaces";
import { stampNew } from "../crud.js";
import { sessionModel, userSessionsPartition } from "../keys.js";
import { paginate } from "../pagination.js";
import { matchesFilter, parseQuery, requiredEquality } from "../query-filter.js";
import { liveFilter, Repository } from "../repository.js";
import { holdWrite } from "../held-writes.js";
import { targetKey, type DynamoTable } from "../table.js";
import { extendLoginSession, latestExpiry, writeExtendingLoginSession } from "./login-sessions.js";

export function createSessionsAdapter(table: DynamoTable): SessionsAdapter {
  const sessions = new Repository<Session>(table, sessionModel);

  const extendParent = async (tenantId: string, session: Pick<Session, "login_session_id" | "expires_at" | "idle_expires_at">) => {
    const latest = latestExpiry(session);
    if (session.login_session_id && latest) await extendLoginSession(table, tenantId, session.login_session_id, latest);
  };

  return {
    // The SessionsAdapter contract requires the parent's extension to be atomic with the insert.
    create: async (tenantId, insert) => {
      const session = stampNew<Session>(insert, "id", undefined);
      const put = sessions.putTransactItem(tenantId, session, { ifAbsent: true });
      const conflictMessage = `A session with id \`${session.id}\` already exists.`;
      const expiresAt = latestExpiry(session);
      // A session that extends no login session is one put, which can go out with the request's other writes.
      const needsExtension = Boolean(session.login_session_id && expiresAt);
      if (!needsExtension && holdWrite(table, targetKey(put), () => ({ write: put, conflictMessage }))) return session;
      await writeExtendingLoginSession(table, tenantId, session.login_session_id, expiresAt, [put], conflictMessage);
      return session;
    },
    get: (tenantId, id) => sessions.get(tenantId, id, { consistent: true }),
    list: async (tenantId, params = {}) => {
      const filter = parseQuery(params.q);
      const userId = requiredEquality(filter, "user_id");
      if (userId === undefined) {
        const page = await sessions.list(tenantId, params, filter);
        return { sessions: page.items, ...page.totals };
      }
      // A user's sessions come from their own index partition, not from every session of the tenant.
      const own = sessions.entities(await table.queryAll({ index: "gsi2", partitionKey: userSessionsPartition(tenantId, userId), filter: liveFilter() }));
      const page = paginate(own.filter((session) => matchesFilter(session as unknown as Record<string, unknown>, filter)), params, tenantId);
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
