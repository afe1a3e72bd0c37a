import type { DataAdapters } from "@authhero/adapter-interfaces";
import { isLoginSessionId } from "../dynamodb/adapters/login-sessions.js";

/**
 * With an eventually consistent global table, a login session, session or
 * user written in another region moments ago may not have reached this
 * replica yet. These reads retry a miss with growing pauses, for at most
 * `budgetMs` in total, before reporting it missing.
 */
export function withReplicaLagTolerance(data: DataAdapters, budgetMs: number): DataAdapters {
  if (budgetMs <= 0) return data;
  const retrying = <A extends unknown[], T>(read: (...args: A) => Promise<T | null>) =>
    async (...args: A): Promise<T | null> => {
      let waited = 0;
      for (let pause = 50; ; pause *= 2) {
        const found = await read(...args);
        if (found !== null || waited >= budgetMs) return found;
        const step = Math.min(pause, budgetMs - waited);
        await new Promise((resolve) => setTimeout(resolve, step));
        waited += step;
      }
    };
  const getLoginSession = retrying(data.loginSessions.get);
  return {
    ...data,
    // An id that no login session can have is missing in every replica, so it is reported at once.
    loginSessions: { ...data.loginSessions, get: async (tenantId, id) => (isLoginSessionId(id) ? getLoginSession(tenantId, id) : null) },
    sessions: { ...data.sessions, get: retrying(data.sessions.get) },
    users: { ...data.users, get: retrying(data.users.get) },
    transaction: (fn) => data.transaction((transactionAdapters) => fn(withReplicaLagTolerance(transactionAdapters, budgetMs))),
  };
}
